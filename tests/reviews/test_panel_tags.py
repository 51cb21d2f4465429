"""The cell's checklist and the quota meters built in Python (reviews/templatetags/checklists.py,
quota_meters.py): what each state says, escaped, with numbers written as the templates wrote
them, in Vietnamese (R-RATE-2 for the meters)."""

import re

from django.template import Context, Template
from django.utils import translation

from reviews import rules
from reviews.next_steps import Checklist, Step
from reviews.templatetags.checklists import checklist_html
from reviews.templatetags.quota_meters import cell_quota_meter, queue_quota_meter
from reviews.views.cell.quota import QuotaMeter as CellMeter
from reviews.views.staff.quota import QuotaMeter as QueueMeter


def _count(capped: int, base: int, limit: int) -> rules.QuotaCount:
    return rules.QuotaCount(
        label="Nhóm <A>",
        capped=capped,
        base=base,
        limit=limit,
        percent=20,
        capped_level="HTXSNV",
        base_level="HTTNV",
    )


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def test_checklist_says_each_state_escapes_and_folds_a_blocked_step_on_one_line():
    steps = [
        Step("pledges", "Cam kết", state="done", url="/a/?x=1&y=2", done=1200, total=1500),
        Step("forms", "Bản <kiểm điểm>", state="waiting", url="/b/", moves=["Đảng viên <A> nộp"]),
        Step("meeting", "Họp chi bộ", state="blocked", url="/c/", moves=["Chờ bước 2", "Bí thư ghi"]),
    ]
    with translation.override("vi"):
        compact = checklist_html(Checklist(steps), "next-<x>", True)
        full = checklist_html(Checklist(steps), "next", False)
    assert 'aria-labelledby="next-&lt;x&gt;"' in compact and "checklist-compact" in compact
    assert 'href="/a/?x=1&amp;y=2"' in compact and "· 1200/1500" in compact  # as the template wrote them
    assert "Bản &lt;kiểm điểm&gt;" in compact and "Đảng viên &lt;A&gt; nộp" in compact
    assert "✓ Xong" in compact and "Đang chờ" in compact and "Vướng mắc" in compact
    # Only a blocked step of the compact list is one line, with what it waits for on hover.
    assert compact.count("checklist-one-line") == 1 and 'title="Chờ bước 2 Bí thư ghi"' in compact
    assert "checklist-one-line" not in full and "checklist-compact" not in full


def test_checklist_tag_in_a_template_matches_the_function():
    checklist = Checklist([Step("forms", "Bản kiểm điểm", state="waiting", url="/b/", done=3, total=30)])
    rendered = Template('{% load checklists %}{% checklist_html checklist "h" True %}').render(
        Context({"checklist": checklist})
    )
    assert rendered == checklist_html(checklist, "h", True)


def test_r_rate_2_cell_meter_states_and_out_of_band_swap():
    meters = [
        CellMeter("a", _count(5, 20, 4), 2),
        CellMeter("b", _count(3, 20, 4), 0),
        CellMeter("c", _count(0, 0, 0), 0),
    ]
    with translation.override("vi"):
        html = cell_quota_meter(meters, True)
        empty = cell_quota_meter([])
    assert html.startswith(
        '<div id="quota-meter" class="quota-meter" aria-live="polite" data-hx-swap-oob="true">'
    )
    assert "border-danger" in html and "border-warning" in html and "border-secondary" in html
    assert (
        'aria-label="Nhóm &lt;A&gt;"' in html and 'aria-valuenow="5"' in html and 'aria-valuemax="4"' in html
    )
    assert html.count('class="small text-body-secondary">') == 1  # only the meter with proposals from here
    assert "data-hx-swap-oob" not in empty and "quota-meter" in empty
    assert _text(empty) == "Chi bộ không có đảng viên nào thuộc nhóm tính tỷ lệ."


def test_r_rate_2_queue_meter_says_over_at_and_within_the_quota():
    def meter(planned, exceed_with_reason=False):
        return QueueMeter(
            "k", decided=_count(2, 20, 4), planned=planned, adding=1, exceed_with_reason=exceed_with_reason
        )

    with translation.override("vi"):
        over = queue_quota_meter([meter(_count(5, 20, 4), True)], False, 1)
        refused = queue_quota_meter([meter(_count(5, 20, 4))], True, 3)
        at_limit = queue_quota_meter([meter(_count(4, 20, 4))], False, 1)
        within = queue_quota_meter([meter(_count(3, 20, 4))], False, 1)
        none = queue_quota_meter([], False, 0)
    assert "border-danger" in over and "bg-danger" in over and "phải nêu lý do" in over
    assert "Không thể quyết định tất cả" in refused and "3 đề xuất đã chọn" in refused
    assert "bg-warning" in at_limit and "Không còn chỉ tiêu." in at_limit and "border-danger" not in at_limit
    assert "bg-success" in within and 'style="width: 75%"' in within
    assert "tối đa = 20% × 20 HTTNV" in within and "Tỷ lệ đã dùng: Nhóm &lt;A&gt;" in within
    assert _text(none) == "Các đối tượng đang hiển thị không thuộc nhóm tính tỷ lệ nào."
