"""The lists' filter fields written by hand (reviews/templatetags/filter_fields.py) give the same
HTML as crispy-forms gave them: the labels, ids, classes, the chosen option, the tick and the error
under a bad choice, which the pages' tests and the browser tests rely on."""

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms
from django.http import QueryDict
from django.test.html import parse_html
from django.utils import translation
from django.utils.safestring import mark_safe

from reviews.templatetags.filter_fields import as_filter_field


class Filters(forms.Form):
    org = forms.ChoiceField(
        label="Tổ chức <đảng>",
        required=False,
        choices=[
            ("", "Tất cả"),
            ("c1", 'Chi bộ "1" & <2>'),
            ("c2", "Chi bộ 2"),
            ("c2", "Chi bộ 2 (trùng mã)"),  # only the first option of a value is selected
            ("c3", mark_safe("Chi bộ <b>3</b>")),  # a label marked safe is not escaped twice
        ],
    )
    needed = forms.ChoiceField(label="Bắt buộc", help_text="Chọn một", choices=[("a", "A"), ("b", "B")])
    flagged = forms.BooleanField(label="Chỉ các trường hợp cần chú ý", required=False)
    grouped = forms.ChoiceField(
        label="Nhóm", required=False, choices=[("A", [("a1", "Một"), ("a2", "Hai")]), ("b", "Ba")]
    )
    name = forms.CharField(label="Họ và tên", required=False)


def _bound(**data) -> Filters:
    query = QueryDict(mutable=True)
    query.update(data)
    form = Filters(query)
    form.is_valid()
    return form


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"org": "c1"},
        {"org": "c2", "flagged": "on"},
        {"org": "not-a-choice"},  # refused: the field says why, under it
        {"grouped": "a2", "name": "Nguyễn Văn A"},
        {"org": "c3", "needed": "b"},
        {"flagged": "not-a-tick", "needed": "zz"},
    ],
)
def test_a_filter_field_is_the_markup_crispy_gave(data):
    form = _bound(**data)
    with translation.override("vi"):
        for name in ("org", "flagged", "grouped", "name", "needed"):
            assert parse_html(as_filter_field(form[name])) == parse_html(as_crispy_field(form[name])), name


def test_the_refused_choice_is_marked_and_said():
    with translation.override("vi"):
        html = as_filter_field(_bound(org="<x>")["org"])
    assert 'class="select form-select is-invalid"' in html
    assert 'aria-describedby="id_org_error"' in html
    assert "&lt;x&gt;" in html and "<x>" not in html


def test_the_chosen_option_and_the_tick_are_shown():
    form = _bound(org="c2", flagged="on")
    assert '<option value="c2" selected>' in as_filter_field(form["org"])
    assert '<option value="c1">Chi bộ &quot;1&quot; &amp; &lt;2&gt;</option>' in as_filter_field(form["org"])
    assert " checked>" in as_filter_field(form["flagged"])
    assert " checked" not in as_filter_field(_bound()["flagged"])
