"""What the page of a review meeting warns about under QĐ 366, never blocking: a meeting shorter than
its minimum (R366-SCOPE-8), the draft collective report without the comments of the related bodies
at the same level, and review suggestions without the working group of the standing committee
above (R366-ORDER-5)."""

from django.db.models import Count, Max
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reviews.models import Season, SeasonUnit, Suggestion


def meeting_warnings(
    season: Season, unit: SeasonUnit, meeting, suggestions: tuple | None = None
) -> list[str]:
    """Every warning of the meeting of `unit`'s collective, once it is recorded, under a rule set
    that sets a meeting length or asks for the draft's comments. `suggestions`: (how many were
    issued to the unit's subjects, the longest meeting one asks for) when the caller read them with
    the subjects (reviews.facts.with_subjects.suggestions_issued); else one query."""
    rules = season.rule_set
    if meeting is None or not (
        rules.switches.get("meeting_min_days") or rules.switches.get("draft_comments")
    ):
        return []
    if suggestions is None:
        found = Suggestion.objects.filter(subject__season=season, subject__unit=unit).aggregate(
            n=Count("id"), days=Max("meeting_min_days")
        )
        suggestions = (found["n"], found["days"])
    issued, days = suggestions
    found = [meeting_length_warning(meeting, unit.kind, rules, days)]
    found += draft_comment_warnings(meeting, rules, suggested=bool(issued))
    return [text for text in found if text]


def meeting_length_warning(meeting, unit_kind: str, rules, suggested_days: int | None = None) -> str:
    """R366-SCOPE-8: a review meeting lasts at least one day, a provincial standing committee's at
    least two (the rule set's `meeting_min_days`, `meeting_min_days_province`); where there are
    review suggestions, the length the issuing level set (`suggested_days`, the longest if several
    set one) instead. A warning, not a block; nothing under a rule set that sets no length."""
    switches = rules.switches
    key = "meeting_min_days_province" if unit_kind == "provincial_committee" else "meeting_min_days"
    if not switches.get(key) or meeting is None:
        return ""
    needed = suggested_days or switches[key]
    days = ((meeting.ends_on or meeting.held_on) - meeting.held_on).days + 1
    if days >= needed:
        return ""
    if suggested_days:
        return ngettext(
            "The meeting lasted %(days)d day; the level that issued the review suggestions set at least "
            "%(n)d days for it (Article 7, Regulation 366-QĐ/TW).",
            "The meeting lasted %(days)d days; the level that issued the review suggestions set at least "
            "%(n)d days for it (Article 7, Regulation 366-QĐ/TW).",
            days,
        ) % {"days": days, "n": needed}
    return ngettext(
        "The meeting lasted %(days)d day; the review meeting of this committee lasts at least %(n)d days "
        "(Article 7, Regulation 366-QĐ/TW).",
        "The meeting lasted %(days)d days; the review meeting of this committee lasts at least %(n)d days "
        "(Article 7, Regulation 366-QĐ/TW).",
        days,
    ) % {"days": days, "n": needed}


def draft_comment_warnings(meeting, rules, suggested: bool) -> list[str]:
    """R366-ORDER-5: the related bodies at the same level comment on the draft collective report,
    and where there are review suggestions the standing committee above sends a working group. The
    meeting record keeps who commented and who was in the working group; missing, a warning (the
    rule does not block). Nothing under a rule set without the `draft_comments` switch."""
    if rules.switches.get("draft_comments") != "warn" or meeting is None:
        return []
    found = []
    if not meeting.related_comments.strip():
        found.append(
            _(
                "The comments of the related bodies at the same level on the draft report are not "
                "recorded: write with the meeting record who commented."
            )
        )
    if suggested and not meeting.working_group.strip():
        found.append(
            _(
                "There are review suggestions, so the standing committee above sends a working group "
                "to the meeting: write its members with the meeting record."
            )
        )
    return found
