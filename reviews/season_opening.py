"""Opening the season of a year from the provincial organization board's page (R366-SET-1): what
stops it, and the call to `open_season` with the year's criteria draft (R366-SET-2), which the
season freezes."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils.translation import gettext as _

from reviews.criteria import CriteriaYear, day_text, profile_codes
from reviews.models import RuleSet, ScoringCriteria, Season
from reviews.scope import open_season
from reviews.scoring import criteria_problems


@dataclass(frozen=True)
class Refusal:
    """Why the season cannot open, and which page fixes it: "season" (the season open already),
    "criteria:<profile>" (that profile's criteria) or "criteria" (the criteria of the year)."""

    text: str
    fix: str = ""


def draft_stamp(draft: ScoringCriteria | None) -> str:
    """What the opening page saw of the draft, to notice a change made meanwhile."""
    return draft.updated_at.isoformat() if draft else ""


def opening_refusals(found: CriteriaYear, rule_set: RuleSet, stamp: str | None = None) -> list[Refusal]:
    """R366-SET-1, R366-SET-2: what stops the season of the year opening under `rule_set` with
    the year's criteria draft."""
    if found.season is not None:
        return [
            Refusal(
                _("The season of %(year)s is already open (since %(date)s); a season opens only once.")
                % {"year": found.year, "date": day_text(found.season.opened_at)},
                "season",
            )
        ]
    if not rule_set.scoring:
        return []
    refusals = []
    if stamp is not None and stamp != draft_stamp(found.draft):
        refusals.append(
            Refusal(_("The criteria were changed while this page was open. Check them again below."), "")
        )
    profiles = found.draft.profiles if found.draft else {}
    for profile in [
        *profile_codes(rule_set.scoring),
        *(p for p in profiles if p not in rule_set.scoring["profiles"]),
    ]:
        problems = criteria_problems(rule_set.scoring, {"profiles": {profile: profiles.get(profile) or {}}})
        fix = f"criteria:{profile}" if profile in rule_set.scoring["profiles"] else "criteria"
        refusals += [Refusal(problem, fix) for problem in problems]
    return refusals


def open_with_criteria(
    *, found: CriteriaYear, rule_set: RuleSet, reference_date, deadlines: dict, actor
) -> Season:
    """Open the season of the year (reviews.scope.open_season), under a points rule set with the
    year's criteria draft as it stands (the caller checked `opening_refusals` first)."""
    profiles = found.draft.profiles if (found.draft and rule_set.scoring) else {}
    try:
        return open_season(
            top_organization=found.organization,
            year=found.year,
            reference_date=reference_date,
            rule_set=rule_set,
            deadlines=deadlines,
            criteria={"profiles": profiles} if profiles else {},
            actor=actor,
        )
    except IntegrityError as clash:  # opened by someone else at the same moment
        raise ValidationError(
            [_("The season of %(year)s is already open.") % {"year": found.year}]
        ) from clash
