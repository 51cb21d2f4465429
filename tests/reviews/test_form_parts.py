"""The self-review form's tick boxes and task rows, built in Python (reviews/templatetags/form_parts.py):
what the member typed comes back whole and escaped, what was saved is shown chosen, and the words
are the catalogue's."""

import re
from types import SimpleNamespace

from django.template import Context, Template
from django.utils import translation

from tests.reviews.helpers import textareas

TYPED = "\nViệc <script>alert(\"x\")</script> & 'trích'\nDòng hai"  # its first line left blank
STATUSES = [("on_time", "Hoàn thành <đúng hạn>"), ("late", "Chậm")]


def _render(source: str, **context) -> str:
    with translation.override("vi"):
        return Template("{% load form_parts %}" + source).render(Context(context))


def test_task_rows_give_back_what_was_typed_escaped_and_numbered():
    tasks = [
        {"text": TYPED, "status": "late", "products": "Báo cáo <số 1>"},
        {"text": "", "status": "", "products": ""},
    ]
    page = _render("{% task_rows part_b %}", part_b={"task_rows": tasks, "statuses": STATUSES})
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert textareas(page, "task_text") == [TYPED, "", ""]  # the rows, then the blank template row
    assert textareas(page, "task_products") == ["Báo cáo <số 1>", "", ""]
    assert re.findall(r'id="f-task-(\d+)-text"', page) == ["1", "2", "0"]
    assert page.count("<li ") == 3 and page.count("data-task-row>") == 3
    assert page.count(" selected>") == 1 and '<option value="late" selected>Chậm</option>' in page
    assert "Hoàn thành &lt;đúng hạn&gt;" in page
    assert ">Nhiệm vụ 1</label>" in page and "Kết quả thực hiện" in page and "Sản phẩm" in page
    template_row = page.split('<template id="task-row-template">', 1)[1]
    assert template_row.endswith("</li></template>") and " selected" not in template_row


def _ref(pk, number, label, *, ticked=False, verified=True):
    return SimpleNamespace(pk=pk, number=number, label=label, is_ticked=ticked, verified=verified)


def test_reference_boxes_tick_what_was_saved_and_mark_the_unchecked_summaries():
    references = [
        {
            "label": "Biểu hiện <suy thoái>",
            "groups": [
                {"name": "Về tư tưởng", "items": [_ref(7, 1, "Phai nhạt <lý tưởng>", ticked=True)]},
                {"name": "", "items": [_ref(8, 2, "Nói không đi đôi với làm", verified=False)]},
            ],
        }
    ]
    page = _render("{% reference_boxes references %}", references=references)
    assert (
        '<input class="form-check-input" type="checkbox" name="ticked" value="7" id="ref-7" checked>' in page
    )
    assert 'value="8" id="ref-8">' in page
    assert '<legend class="h6">Biểu hiện &lt;suy thoái&gt;</legend>' in page
    assert 'for="ref-7">1. Phai nhạt &lt;lý tưởng&gt;</label>' in page
    assert page.count("fw-semibold") == 1  # the unnamed group has no heading
    unchecked = page.split('for="ref-8">', 1)[1]
    assert unchecked.startswith("2. Nói không đi đôi với làm <span") and "(tóm tắt)</span>" in unchecked
    assert 'title="bản tóm tắt, chưa đối chiếu với văn bản chính thức"' in unchecked
    assert "tóm tắt" not in page.split('for="ref-8">', 1)[0]


GRADES = [{"code": "T", "label": "Tốt"}, {"code": "K", "label": "Khá <nhì>"}]
LEVELS = [{"code": "HTXSNV", "label": "Hoàn thành xuất sắc"}, {"code": "HTTNV", "label": "Hoàn thành tốt"}]


def _row(kind="text", *, text=TYPED, grade="K", level="", criterion=True, required=None):
    return {
        "key": "A.1",
        "dom": "A-1",
        "type": kind,
        "item": {"criterion": criterion, "required": required, "references": False},
        "answer": {"text": text, "grade": grade, "level": level},
        "grade_label": "Khá <nhì>" if grade else "",
        "level_label": "Hoàn thành tốt" if level else "",
    }


def _answer(row, *, editable=True) -> str:
    return _render(
        "{% answer_fields row %}",
        row=row,
        editable=editable,
        save_url="/luu/?a=1&b=2",
        grades=GRADES,
        levels=LEVELS,
        csrf_token="tok123",
    )


def test_an_editable_answer_saves_itself_and_keeps_what_was_typed():
    page = _answer(_row(required=False))
    assert 'action="/luu/?a=1&amp;b=2"' in page and 'data-hx-post="/luu/?a=1&amp;b=2"' in page
    assert 'name="csrfmiddlewaretoken" value="tok123"' in page and 'name="key" value="A.1"' in page
    assert textareas(page, "text") == [TYPED] and "<script>" not in page
    assert (
        'aria-describedby="opt-A-1"' in page and 'id="opt-A-1">Không bắt buộc: chỉ viết nếu có.</p>' in page
    )
    assert 'name="grade" value="K" id="f-A-1-K" checked>' in page and 'value="T" id="f-A-1-T">' in page
    assert "Khá &lt;nhì&gt;" in page and 'name="level"' not in page
    assert (
        page.count("data-autosave") == 1 and '<div class="save-status small mt-1" aria-live="polite">' in page
    )


def test_a_self_rating_offers_the_levels_and_no_text():
    page = _answer(_row("self_rating", text="", grade="", level="HTTNV", criterion=False))
    assert "<textarea" not in page and 'name="grade"' not in page
    assert 'name="level" value="HTTNV" id="f-A-1-HTTNV" checked>' in page
    assert "<strong>HTXSNV</strong> – Hoàn thành xuất sắc</label>" in page


def test_a_read_only_answer_shows_what_was_saved():
    page = _answer(_row(text="Đoạn <một>\n\nĐoạn hai"), editable=False)
    assert "<form" not in page and "<textarea" not in page
    assert '<div class="answer-text"><p>Đoạn &lt;một&gt;</p>\n\n<p>Đoạn hai</p></div>' in page
    assert "<strong>Khá &lt;nhì&gt;</strong>" in page
    empty = _answer(_row(text="", grade="", criterion=True), editable=False)
    assert '<p class="text-body-secondary">—</p>' in empty and "<strong>—</strong>" in empty
    level = _answer(_row("self_rating", text="", level="HTTNV", criterion=False), editable=False)
    assert '<p class="mb-0"><strong>HTTNV</strong> – Hoàn thành tốt</p>' in level
