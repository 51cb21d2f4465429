"""R366-SCOPE-7, R366-FORM-03/04 (HD 43 §4.2): the season's records, with their list (Mẫu 04),
reach the Central Organization Commission before `deadline_records` (1 February) of the year
after the rated year. Only the province sends there, so only the province is told; nothing is
blocked by it (docs/decisions.md, "The records' deadline")."""

import datetime

from django.utils.translation import gettext as _

from organizations.models import Kind


def records_deadline(season, unit) -> datetime.date | None:
    """The day the province's records are due at the Central Organization Commission; None for
    any other unit, or under a rule set without the switch (QĐ 124). No query: the season comes
    with its rule set."""
    if unit is None or unit.kind != Kind.PROVINCIAL_COMMITTEE:
        return None
    return season.rule_set.day_of("deadline_records", season.year + 1)


def records_deadline_sentence(season, unit) -> str:
    """The sentence the pages show to those who send the records, or ""."""
    day = records_deadline(season, unit)
    if day is None:
        return ""
    return _(
        "Send the review and rating records, with the records list (form 04), to the Central "
        "Organization Commission before %(day)s (Guidance 43-HD/BTCTW, section 4.2)."
    ) % {"day": day.strftime("%d/%m/%Y")}
