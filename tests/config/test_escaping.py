"""Issue "Province-scale speed": the rows the queue and the cell board join in Python escape with
config/escaping.py's `escape`, which must escape exactly as Django's does, lazy translations
included; and the board's step words, now kept lazy and translated when asked, still follow the
language of the request."""

import pytest
from django.utils import html as django_html
from django.utils import translation
from django.utils.translation import gettext_lazy

from config.escaping import escape

HOSTILE = [
    "Lê <i>Văn</i> Tám",
    'Chi bộ "A" & <B>',
    "it's 'quoted'",
    "&amp; already escaped",
    "",
    "Đảng bộ xã Tân Phú — tổ 3",
    '<script>alert("x")</script>',
]


@pytest.mark.parametrize("text", HOSTILE)
def test_escape_gives_what_djangos_escape_gives(text):
    assert escape(text) == str(django_html.escape(text))


def test_escape_takes_numbers_and_lazy_translations_as_their_text():
    assert escape(42) == "42"
    label = gettext_lazy("State")
    with translation.override("vi"):
        assert escape(label) == str(django_html.escape(label)) == "Trạng thái"
    with translation.override("en"):
        assert escape(label) == "State"


def test_the_boards_step_words_follow_the_language_and_leave_an_unknown_step_as_it_is():
    from reviews.views.cell.common import step_label

    with translation.override("vi"):
        said = step_label("decide")
    with translation.override("en"):
        assert step_label("decide") == "Decide the rating"
    assert said != "Decide the rating" and said
    assert step_label("no-such-step") == "no-such-step"
