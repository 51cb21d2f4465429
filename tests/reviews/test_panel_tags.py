"""The cell's checklist and the quota meters built in Python (reviews/templatetags/checklists.py,
quota_meters.py): what each state says, escaped, with numbers written as the templates wrote
them, in Vietnamese (R-RATE-2 for the meters)."""

import re

from django.template import Context, Template
from django.utils import translation

from reviews import rules
from reviews.next_steps import LATER, Checklist, Step
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


def test_checklist_says_each_state_escapes_and_folds_a_later_step_on_one_line():
    steps = [
        Step("pledges", "Cam kết", state="done", url="/a/?x=1&y=2", done=1200, total=1500),
        Step("forms", "Bản <kiểm điểm>", state="waiting", url="/b/", moves=["Đảng viên <A> nộp"]),
        Step("meeting", "Họp chi bộ", state=LATER, url="/c/", moves=["Chờ bước 2", "Bí thư ghi"]),
    ]
    with translation.override("vi"):
        compact = checklist_html(Checklist(steps), "next-<x>", True)
        full = checklist_html(Checklist(steps), "next", False)
    assert 'aria-labelledby="next-&lt;x&gt;"' in compact and "checklist-compact" in compact
    assert 'href="/a/?x=1&amp;y=2"' in compact and "· 1200/1500" in compact  # as the template wrote them
    assert "Bản &lt;kiểm điểm&gt;" in compact and "Đảng viên &lt;A&gt; nộp" in compact
    assert "✓ Xong" in compact and "Đang chờ" in compact
    # A step whose turn has not come is not a blocker: a neutral badge. On the board (compact) it
    # is one line, what it waits for in full on hover; the home page's list says it in full.
    assert "Chờ bước trước" in compact and "Vướng mắc" not in compact + full
    assert compact.count("checklist-one-line") == 1 and 'title="Chờ bước 2 Bí thư ghi"' in compact
    assert "Chờ bước 2" in _text(full) and "checklist-one-line" not in full and "title=" not in full
    assert "checklist-compact" not in full


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


def test_r_rate_2_a_quota_that_rounds_to_no_place_says_so_not_at_the_limit():
    """20% of 2 HTTNV is 0.4, rounded down to 0: nothing was decided, so the group is not "at the
    limit"; it has no place for now, and the page says why (both meters)."""
    zero = _count(0, 2, 0)
    with translation.override("vi"):
        card = queue_quota_meter(
            [QueueMeter("k", decided=zero, planned=zero, adding=0, exceed_with_reason=False)], False, 0
        )
        cell = CellMeter("m:7:other", zero, 0)
        line = cell_quota_meter([cell])
        said = (cell.tone, cell.badge, cell.status)
    sentence = "Nhóm này hiện chưa có chỉ tiêu HTXSNV: 20% × 2 HTTNV = 0,4, làm tròn thành 0."
    assert "Chưa có chỉ tiêu" in card and sentence in _text(card)
    assert "Đã đủ tỷ lệ" not in card and "Không còn chỉ tiêu" not in card and "bg-warning" not in card
    assert said == ("secondary", "Chưa có chỉ tiêu", sentence) and sentence in _text(line)
    assert "Trong tỷ lệ" not in line and "Không còn chỉ tiêu" not in line
    # A place taken in a group without one is over the quota, as before.
    assert CellMeter("m:7:other", _count(1, 2, 0), 1).tone == "danger"


def test_r_rate_2_a_cell_meter_names_its_group_without_the_committee():
    with translation.override("vi"):
        names = [CellMeter(key, _count(0, 5, 1), 0).name for key in ("m:7:lead", "m:7:other", "m:7")]
        other = CellMeter("o:7:cell", _count(0, 5, 1), 0).name
    assert names == ["Lãnh đạo, quản lý", "Đảng viên khác", "Đảng viên"]
    assert other == "Nhóm <A>"  # any other group by its label
