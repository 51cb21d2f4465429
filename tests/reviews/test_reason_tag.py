"""`{% reason_html %}` (reviews/templatetags/reasons.py) writes a refusal as reviews/_reason.html
does: the pages that show a reason in every row use the tag, the others the include, and a reader
must not see a difference."""

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string

from reviews.refusals import Reason

REASONS = [
    "A plain sentence <with> markup & an ampersand.",
    Reason("Blocked by the order.", rule="R-ORDER"),
    Reason("The cell decides first.", rule="R-STEP-2", who="Chi bộ <A>", url="/cell/?a=1&b=2"),
    Reason("Enter the points.", rule="R366-RATE-1", url="/points/", link="Enter points"),
]


def _tag(reason) -> str:
    return Template("{% load reasons %}{% reason_html reason %}").render(Context({"reason": reason}))


@pytest.mark.parametrize("reason", REASONS, ids=["plain", "rule", "who-and-url", "link"])
def test_reason_tag_writes_the_includes_markup(reason):
    assert _tag(reason) == render_to_string("reviews/_reason.html", {"reason": reason}).strip()


def test_reason_tag_escapes_the_sentence_and_keeps_the_rule_out_of_the_text():
    html = _tag(Reason("<b>x</b>", rule="R-ORDER", who="<i>y</i>"))
    assert "<b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html and "&lt;i&gt;y&lt;/i&gt;" in html
    assert html.startswith('<span data-rule="R-ORDER">&lt;b&gt;')
