"""The self-review form's item cards, built in Python (reviews/templatetags/form_cards.py): what last
year's review found (R-FORM-6), the suggestions to explain (R-FORM-4), the pledge's commitments to
assess (R-FORM-5) and the reference lists (R-FORM-7); every value escaped, dates as dd/mm/yyyy in
Vietnam's time, the words the catalogue's."""

import datetime
from types import SimpleNamespace

from django.template import Context
from django.utils import translation

from reviews.templatetags import form_cards
from tests.reviews.helpers import textareas

TYPED = "\nGiải trình <script>alert(\"x\")</script> & 'một'\nDòng hai"  # its first line left blank
SEASON, SUBJECT = SimpleNamespace(pk=3, year=2026), SimpleNamespace(pk=41)


def _context(**values) -> Context:
    return Context(
        {"season": SEASON, "subject": SUBJECT, "save_url": "/luu/?a=1&b=2", "csrf_token": "tok"} | values
    )


def _vi(build, *args):
    with translation.override("vi"):
        return build(*args)


def _plan_item(text, *, due_on=None, note=""):
    return SimpleNamespace(
        text=text, due_on=due_on, status_note=note, get_status_display=lambda: "Đang <làm>"
    )


def test_r_form_6_the_remediation_item_starts_from_last_years_findings():
    row = {"dom": "III"}
    previous = {
        "year": 2025,
        "level": "KHTNV",
        "level_label": "Không hoàn thành <nhiệm vụ>",
        "shortcomings": "Chậm <nộp>\nThiếu",
        "items": [
            _plan_item("Sửa <ngay>", due_on=datetime.date(2026, 3, 4), note="Đã <xong>"),
            _plan_item("Học"),
        ],
    }
    page = _vi(form_cards.previous_review, row, previous)
    assert (
        page.startswith('<div role="region" class="previous-review') and 'aria-labelledby="prev-III"' in page
    )
    assert '<h4 class="h6" id="prev-III">Kết quả kiểm điểm năm 2025</h4>' in page
    assert "<strong>Không hoàn thành &lt;nhiệm vụ&gt;</strong> (KHTNV)</p>" in page
    assert '<p class="mb-2">Chậm &lt;nộp&gt;<br>Thiếu</p>' in page
    assert "<li>Sửa &lt;ngay&gt; — <em>Đang &lt;làm&gt;</em> · hạn 04/03/2026 · Đã &lt;xong&gt;</li>" in page
    assert "<li>Học — <em>Đang &lt;làm&gt;</em></li>" in page
    assert "Không ghi nhận" not in page
    nothing = _vi(
        form_cards.previous_review, row, {"year": 2025, "level": "", "shortcomings": "", "items": []}
    )
    assert "Không ghi nhận hạn chế, khuyết điểm hay nội dung khắc phục nào." in nothing
    assert "<strong>" not in nothing
    first = _vi(form_cards.previous_review, row, {"shortcomings": "", "items": []})
    assert (
        '<p class="small mb-0" id="prev-III">Chưa có kết quả kiểm điểm năm trước để làm căn cứ.</p>' in first
    )


def _suggestion(pk, answer):
    return SimpleNamespace(
        pk=pk,
        text="Làm rõ <việc> A\nvà B",
        answer=answer,
        # 20:30 on 30/11 in UTC is 03:30 on 01/12 in Vietnam
        issued_at=datetime.datetime(2026, 11, 30, 20, 30, tzinfo=datetime.UTC),
        issued_by_unit=SimpleNamespace(name="Đảng ủy <xã>"),
    )


def test_r_form_4_each_suggestion_asks_for_an_explanation_saved_as_typed():
    context = _context(suggestions=[_suggestion(5, TYPED), _suggestion(6, "")], editable=True)
    page = _vi(form_cards.suggestion_answers, context)
    assert page.count('class="alert alert-warning"') == 2 and 'id="item-suggestion-6"' in page
    assert "Gợi ý kiểm điểm của Đảng ủy &lt;xã&gt;, ngày 01/12/2026" in page
    assert "<p>Làm rõ &lt;việc&gt; A<br>và B</p>" in page
    assert (
        'action="/ky-kiem-diem/3/phieu/41/goi-y/5/"' in page
        and 'data-hx-post="/ky-kiem-diem/3/phieu/41/goi-y/6/"' in page
    )
    assert textareas(page, "answer") == [TYPED, ""] and "<script>" not in page
    assert page.count("data-autosave") == 2 and page.count('name="csrfmiddlewaretoken" value="tok"') == 2


def test_r_form_4_a_read_only_form_shows_each_explanation_or_that_none_was_given():
    context = _context(suggestions=[_suggestion(5, "Đã <sửa>\nxong"), _suggestion(6, "")], editable=False)
    page = _vi(form_cards.suggestion_answers, context)
    assert "<form" not in page and "<textarea" not in page
    assert '<span class="fw-semibold">Giải trình:</span> Đã &lt;sửa&gt;<br>xong</p>' in page
    assert '<span class="fw-semibold">Giải trình:</span> <em>chưa giải trình</em></p>' in page
    none = _vi(form_cards.suggestion_answers, _context(suggestions=[], editable=True))
    assert (
        none
        == '<p class="text-body-secondary mb-0">Không có gợi ý kiểm điểm; không cần giải trình ở mục này.</p>'
    )


ASSESSMENTS = [("done", "Hoàn thành"), ("partly", "Hoàn thành <một phần>")]


def _commitment(pk, answer):
    item = SimpleNamespace(text=f"Cam kết <{pk}>", target="Đạt <100%>" if pk == 1 else "")
    item.get_category_display = lambda: "Học <tập>"
    return {
        "item": item,
        "key": f"pledge:{pk}",
        "dom": f"pledge-{pk}",
        "answer": answer,
        "assessment_label": "",
    }


def _pledge_context(*, editable, own=True, pledge=True, rows=None):
    rows = (
        [_commitment(1, {"fulfilment": TYPED, "assessment": "partly"}), _commitment(2, {})]
        if rows is None
        else rows
    )
    pledge = SimpleNamespace(get_state_display=lambda: "Đã <nộp>") if pledge else None
    return _context(pledge=pledge, pledge_rows=rows, editable=editable, own=own, assessments=ASSESSMENTS)


def test_r_form_5_each_commitment_is_assessed_on_an_editable_form():
    page = _vi(form_cards.pledge_assessment, _pledge_context(editable=True))
    assert page.startswith('<p class="small">') and "năm 2026 (bản cam kết: Đã &lt;nộp&gt;)" in page
    assert '<a href="/dang-vien/cam-ket/2026/">Xem bản cam kết</a></p>' in page
    assert (
        '<span class="badge text-bg-light border">Học &lt;tập&gt;</span> <span id="h-pledge-1">Cam kết &lt;1&gt;</span>'
        in page
    )
    assert "Đạt &lt;100%&gt;</p>" in page and page.count("Chỉ tiêu") == 1
    assert textareas(page, "fulfilment") == [TYPED, ""] and 'name="key" value="pledge:2"' in page
    assert page.count(" checked>") == 1 and 'value="partly" id="f-pledge-1-partly" checked>' in page
    assert "Hoàn thành &lt;một phần&gt;</label>" in page and page.count("data-autosave") == 2


def test_r_form_5_a_read_only_pledge_and_a_missing_one():
    rows = [_commitment(1, {"fulfilment": "Đã <làm>\nxong"}), _commitment(2, {})]
    rows[0]["assessment_label"] = "Hoàn thành <đủ>"
    page = _vi(form_cards.pledge_assessment, _pledge_context(editable=False, own=False, rows=rows))
    assert "<form" not in page and "<a " not in page
    assert '<p class="mb-0">Đã &lt;làm&gt;<br>xong</p>' in page and '<p class="mb-0">—</p>' in page
    assert "<strong>Hoàn thành &lt;đủ&gt;</strong>" in page and "<strong>—</strong>" in page
    empty = _vi(form_cards.pledge_assessment, _pledge_context(editable=True, rows=[]))
    assert "Bản cam kết không có nội dung nào." in empty
    missing = _vi(form_cards.pledge_assessment, _pledge_context(editable=True, pledge=False))
    assert missing.startswith('<div class="alert alert-warning mb-0">')
    assert "Không có bản cam kết năm 2026 để đánh giá." in missing and ">Viết bản cam kết</a>" in missing


def _references(ticked):
    listed = SimpleNamespace(
        pk=7, number=1, label="Phai nhạt <lý tưởng>", is_ticked=bool(ticked), verified=True
    )
    return [
        {
            "label": "Biểu hiện <suy thoái>",
            "groups": [{"name": "", "items": [listed]}],
            "ticked": [listed] if ticked else [],
        }
    ]


def test_r_form_7_the_reference_lists_are_ticked_on_an_editable_form():
    context = _context(references=_references(True), ticked_count=1, editable=True)
    page = _vi(form_cards.reference_lists, context)
    assert page.startswith('<details class="mt-3 references">\n')  # closed while writing
    assert "<span data-ref-count>1</span> đã chọn</span></summary>" in page
    assert 'data-hx-trigger="change"' in page and 'data-autosave id="refs-form">' in page
    assert 'name="key" value="refs"' in page and 'id="ref-7" checked>' in page
    assert '<div class="save-status small" aria-live="polite">' in page


def test_r_form_7_a_read_only_form_lists_what_was_ticked():
    page = _vi(
        form_cards.reference_lists, _context(references=_references(True), ticked_count=1, editable=False)
    )
    assert page.startswith('<details class="mt-3 references" open>') and "<form" not in page
    assert '<p class="small fw-semibold mb-1">Biểu hiện &lt;suy thoái&gt;</p>' in page
    assert '<ul class="small"><li>1. Phai nhạt &lt;lý tưởng&gt;</li></ul>' in page
    none = _vi(form_cards.reference_lists, _context(references=[], ticked_count=0, editable=False))
    assert none.startswith('<details class="mt-3 references">') and "Chưa chọn nội dung nào." in none


def test_a_card_numbers_its_item_and_shows_part_b_after_its_summary():
    summary = SimpleNamespace(render=lambda context: f"SUMMARY {context['part_b']['total']}/100")
    row = {
        "key": "B.II",
        "dom": "B-II",
        "type": "scores",
        "item": {"title": "Điểm <tự chấm>", "references": False},
    }
    context = _context(editable=False, part_b={"groups": [], "total": "71"})
    page = _vi(form_cards.item_card, context, row, {"key": "B"}, summary)
    assert page.startswith('<div class="card mb-3 form-item" id="item-B-II">\n<div class="card-body">')
    assert (
        '<h3 class="h6" id="h-B-II"><span class="text-body-secondary">B.II.</span> Điểm &lt;tự chấm&gt;</h3>'
        in page
    )
    assert "</h3>\nSUMMARY 71/100\n" in page and page.endswith("</div>\n</div>")
    alone = _vi(form_cards.item_card, context, {**row, "key": "B"}, {"key": "B"}, summary)
    assert '<h3 class="h6" id="h-B-II">Điểm &lt;tự chấm&gt;</h3>' in alone
