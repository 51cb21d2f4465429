"""The self-review form's tick boxes and task rows, built in Python (reviews/templatetags/form_parts.py):
what the member typed comes back whole and escaped, what was saved is shown chosen, and the words
are the catalogue's."""

import html
import re
from types import SimpleNamespace

from django.template import Context, Template
from django.utils import translation

TYPED = "Việc <script>alert(\"x\")</script> & 'trích'\nDòng hai"
STATUSES = [("on_time", "Hoàn thành <đúng hạn>"), ("late", "Chậm")]


def _render(source: str, **context) -> str:
    with translation.override("vi"):
        return Template("{% load form_parts %}" + source).render(Context(context))


def _textareas(page: str, name: str) -> list[str]:
    return [
        html.unescape(v)
        for v in re.findall(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', page, re.S)
    ]


def test_task_rows_give_back_what_was_typed_escaped_and_numbered():
    tasks = [
        {"text": TYPED, "status": "late", "products": "Báo cáo <số 1>"},
        {"text": "", "status": "", "products": ""},
    ]
    page = _render("{% task_rows part_b %}", part_b={"task_rows": tasks, "statuses": STATUSES})
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert _textareas(page, "task_text") == [TYPED, "", ""]  # the rows, then the blank template row
    assert _textareas(page, "task_products") == ["Báo cáo <số 1>", "", ""]
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
