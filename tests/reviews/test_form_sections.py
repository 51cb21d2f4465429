"""The self-review form's tabs and sections, built in Python (reviews/templatetags/form_sections.py):
the first tab chosen, one pane per section, each with its items' cards (reviews/templatetags/form_cards.py,
tested in test_form_cards.py)."""

import re

from django.template import Context, Template
from django.utils import translation

LONG = "Việc thực hiện chức trách, nhiệm vụ, quyền hạn <được giao> trong năm"


def _row(key, kind="text", *, title="Tiêu đề", text="", references=False):
    return {
        "key": key,
        "dom": key.replace(".", "-"),
        "type": kind,
        "item": {"title": title, "criterion": None, "required": None, "references": references},
        "answer": {"text": text, "grade": "", "level": ""},
        "grade_label": "",
        "level_label": "",
    }


SECTIONS = [
    {
        "key": "I",
        "dom": "I",
        "title": LONG,
        "rows": [_row("I.1", text="Đã viết <b>"), _row("I", title="Chung")],
    },
    {"key": "IV", "dom": "IV", "title": "Gợi ý", "rows": [_row("IV", "suggestions", title="Giải trình")]},
]


def _render(source: str, *, editable: bool) -> str:
    context = Context(
        {
            "sections": SECTIONS,
            "editable": editable,
            "save_url": "/luu/",
            "grades": [],
            "levels": [],
            "suggestions": [],
            "csrf_token": "tok",
        }
    )
    with translation.override("vi"):
        return Template("{% load form_sections %}" + source).render(context)


def test_the_tabs_choose_the_first_section_and_shorten_long_titles():
    page = _render("{% form_tabs sections %}", editable=True)
    assert re.findall(r'id="tab-(\w+)"', page) == ["I", "IV"]
    assert re.findall(r'aria-selected="(\w+)"', page) == ["true", "false"]
    assert page.count(" active") == 1 and 'data-bs-target="#sec-IV"' in page
    assert 'title="I. Việc thực hiện chức trách, nhiệm vụ, quyền hạn &lt;được giao&gt; trong năm"' in page
    assert ">I. Việc thực hiện chức trách, nhiệm …</button>" in page


def test_an_editable_form_shows_one_pane_per_section_with_its_steps():
    page = _render("{% form_sections sections %}", editable=True)
    assert re.findall(r'<section class="([^"]+)" id="sec-(\w+)"', page) == [
        ("tab-pane fade show active", "I"),
        ("tab-pane fade", "IV"),
    ]
    first, second = page.split('id="sec-IV"')
    assert "data-kd-prev" not in first and "<span></span>" in first and "Mục sau" in first
    assert "Mục trước" in second and "data-kd-next" in second
    # a written item: its card, its key (unless it is the section's own) and its answer
    assert '<h3 class="h6" id="h-I-1"><span class="text-body-secondary">I.1.</span> Tiêu đề</h3>' in page
    assert '<h3 class="h6" id="h-I">Chung</h3>' in page
    assert ">\nĐã viết &lt;b&gt;</textarea>" in page and page.count("data-autosave") == 2
    # the suggestions item
    assert '<div class="card mb-3 form-item" id="item-IV">' in page
    assert "Không có gợi ý kiểm điểm; không cần giải trình ở mục này." in page


def test_a_read_only_form_shows_every_section_labelled_by_its_title():
    page = _render("{% form_sections sections %}", editable=False)
    assert page.count('<section class="mb-4"') == 2 and 'aria-labelledby="title-I"' in page
    assert "tab-pane" not in page and "data-kd-next" not in page and "<form" not in page
    assert '<div class="answer-text"><p>Đã viết &lt;b&gt;</p></div>' in page


def test_an_item_with_the_reference_lists_carries_them_in_its_card():
    sections = [{"key": "I", "dom": "I", "title": "Tư tưởng", "rows": [_row("I.1", references=True)]}]
    context = Context(
        {"sections": sections, "editable": False, "references": [], "ticked_count": 0, "csrf_token": "tok"}
    )
    with translation.override("vi"):
        page = Template("{% load form_sections %}{% form_sections sections %}").render(context)
    assert '<details class="mt-3 references">' in page and "data-ref-count" in page
