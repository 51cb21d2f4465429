"""R366-QTR-4, the optional local rules on the quarters (off by default; one 2026 unit uses them):
a quarter rated KHTNV bars the year's HTXSNV, refused at the proposal and at the decision; two
consecutive KHTNV quarters flag the leader for reassignment (reviews/quarters/results.py shows
the flag; it blocks no step)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from reviews.facts import Facts
from reviews.models import Subject
from reviews.refusals import Reason


def quarter_rule_problems(subject: Subject, level: str, facts: Facts) -> list[str]:
    """R366-QTR-4: with the province's switch "a KHTNV quarter bars an annual HTXSNV" on, a
    leader with a quarter decided at the lowest level cannot be proposed or decided at the top
    level. No query unless the top level is asked for; then at most two for the whole batch."""
    codes = facts.rules.level_codes()
    top, lowest = codes[0], codes[-1]
    if level != top or not subject.is_member or not facts.quarter_setup.khtnv_quarter_bars_excellent:
        return []
    barred = [(n, pk) for n, found, pk in facts.decided_quarters.get(subject.pk, ()) if found == lowest]
    if not barred:
        return []
    number, pk = barred[0]
    return [
        Reason(
            _(
                "Quarter %(n)d of %(name)s was evaluated %(lowest)s: under the province's rule the year "
                "cannot be rated %(top)s. Propose or decide a lower level."
            )
            % {"n": number, "name": subject.name, "lowest": lowest, "top": top},
            rule="R366-QTR-4",
            who=_("the level that proposes or decides the year's rating"),
            url=reverse("reviews:quarter-form", args=[facts.season.pk, pk]),
            link=_("Open the quarter's evaluation"),
        )
    ]
