"""The province's criteria for a rating year (R366-SET-2, R366-SCORE-3): the rules behind the
provincial organization board's criteria pages (reviews/views/criteria.py; opening the season
with them: reviews/season_opening.py).

Before the season of a year opens, the board makes the central framework concrete: for each
scoring profile, the items of the general group (30 points) and of the task-results group (70),
each with its maximum and how it is scored. The draft is a `ScoringCriteria` row; opening the
season copies it into `Season.criteria` (`open_season` checks it again), and from then on the
year's criteria are the season's, frozen. A profile or group left empty is scored as a whole,
which is what the shipped rule set gives.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from members.demo_days import season_year
from organizations.access import get_organization_for_user, todays_roles
from organizations.models import Organization, Role
from reviews.defaults import rule_set_for_year
from reviews.models import RuleSet, ScoringCriteria, Season, Subject
from reviews.scoring import (
    CHECKLIST,
    PERCENT,
    POINTS,
    criteria_items,
    criteria_problems,
    groups,
    parse_number,
)

# Item keys are the group's letter and a number ("g1", "t3"): points are stored against them,
# so an item keeps its key when it is moved, edited or copied to the next year.
GROUP_PREFIXES = {"general": "g", "tasks": "t"}
# How a new item is scored (R366-SET-2, local practice): the general group as a checklist of
# items met or not, the task results as a percentage of each target times its maximum.
DEFAULT_METHODS = {"general": CHECKLIST, "tasks": PERCENT}
FIRST_YEAR = 2023  # the first year a shipped rule set covers
MAX_ITEMS = 30  # per group


def method_labels() -> dict[str, str]:
    return {
        CHECKLIST: _("All or nothing: full points or 0"),
        PERCENT: _("Percentage achieved × maximum"),
        POINTS: _("Any points up to the maximum"),
    }


def profile_codes(scoring: dict) -> list[str]:
    """The rule set's scoring profiles in the order of the regulation (TT, LĐ-TW, LĐ, KLĐ, NHT)."""
    order = {code: n for n, code in enumerate(Subject.Profile.values)}
    return sorted(scoring["profiles"], key=lambda code: order.get(code, len(order)))


def year_in_range(year: int) -> bool:
    return FIRST_YEAR <= year <= timezone.localdate().year + 2


# -- who ------------------------------------------------------------------------------------------


def board_organizations(user) -> list[Organization]:
    """The top organizations whose criteria and seasons the user prepares: those where they sit
    on the provincial organization board today; every one for a superuser."""
    if user.is_superuser:
        return list(Organization.objects.filter(depth=1, dissolved_on__isnull=True).order_by("name"))
    return [
        role.organization
        for role in todays_roles(user)
        if role.kind == Role.Kind.PROVINCIAL_BOARD and role.organization.depth == 1
    ]


def is_board(user, organization: Organization) -> bool:
    return user.is_superuser or any(
        role.kind == Role.Kind.PROVINCIAL_BOARD and role.organization_id == organization.pk
        for role in todays_roles(user)
    )


def require_board(user, code: str) -> Organization:
    """The top organization `code` for its board (or a superuser): 404 for those who may not see
    it, or when it is not a top organization; 403 for others who may see it."""
    organization = get_organization_for_user(user, code)
    if organization.depth != 1:
        raise Http404
    if not is_board(user, organization):
        raise PermissionDenied(
            _("Only the provincial organization board prepares the criteria and the season.")
        )
    return organization


def suggested_year(organization: Organization, today=None) -> int:
    """The first year, from the one being worked on today, whose season is not open yet."""
    year = season_year(today or timezone.localdate())
    taken = set(
        Season.objects.filter(top_organization=organization, year__gte=year).values_list("year", flat=True)
    )
    while year in taken:
        year += 1
    return year


# -- the criteria of a year ----------------------------------------------------------------------


@dataclass
class CriteriaYear:
    """What the pages need about one year's criteria, loaded in a fixed number of queries."""

    organization: Organization
    year: int
    season: Season | None
    draft: ScoringCriteria | None
    rule_set: RuleSet  # the season's, or the one the year opens under by default
    previous: dict | None = None  # {"profiles", "from_season"}: last year's criteria to copy
    previous_season: Season | None = field(default=None, repr=False)
    rule_sets: list[RuleSet] = field(default_factory=list, repr=False)  # every one, to choose from

    @property
    def frozen(self) -> bool:
        """R366-SET-1: once the season of the year is open, its criteria are those it opened with."""
        return self.season is not None

    @property
    def scoring(self) -> dict | None:
        return self.rule_set.scoring

    @property
    def profiles(self) -> dict:
        if self.season is not None:
            return (self.season.criteria or {}).get("profiles") or {}
        return self.draft.profiles if self.draft else {}

    def groups_of(self, profile: str) -> dict[str, list[dict]]:
        return self.profiles.get(profile) or {}

    def problems(self) -> list[str]:
        return criteria_problems(self.scoring, {"profiles": self.profiles}) if self.scoring else []


def criteria_year(organization: Organization, year: int) -> CriteriaYear:
    """Three queries: the seasons and drafts of the year and the year before, and the rule sets
    (the one the year opens under by default is chosen among them)."""
    seasons = {
        s.year: s
        for s in Season.objects.filter(
            top_organization=organization, year__in=[year - 1, year]
        ).select_related("rule_set")
    }
    drafts = {
        d.year: d
        for d in ScoringCriteria.objects.filter(
            top_organization=organization, year__in=[year - 1, year]
        ).select_related("updated_by")
    }
    season = seasons.get(year)
    rule_sets = list(RuleSet.objects.order_by(F("first_year").desc(nulls_last=True), "name"))
    return CriteriaYear(
        organization=organization,
        year=year,
        season=season,
        draft=drafts.get(year),
        rule_set=season.rule_set if season else rule_set_for_year(year, among=rule_sets),
        rule_sets=rule_sets,
        previous=_previous(seasons.get(year - 1), drafts.get(year - 1)),
        previous_season=seasons.get(year - 1),
    )


def _previous(season: Season | None, draft: ScoringCriteria | None) -> dict | None:
    """Last year's criteria: those its season opened with, else its draft (when either has any)."""
    if season is not None and (season.criteria or {}).get("profiles"):
        return {"profiles": season.criteria["profiles"], "from_season": True}
    if draft is not None and draft.profiles:
        return {"profiles": draft.profiles, "from_season": False}
    return None


def day_text(moment) -> str:
    return date_format(timezone.localtime(moment), "SHORT_DATE_FORMAT")


def frozen_message(season: Season) -> str:
    return _(
        "The season of %(year)s opened on %(date)s: its criteria are frozen as they were then "
        "and can no longer be changed."
    ) % {"year": season.year, "date": day_text(season.opened_at)}


# -- rows of a group --------------------------------------------------------------------------------


def new_key(group_key: str, rows: list[dict]) -> str:
    """The next key of the group: its letter and one more than the highest number in use."""
    prefix = GROUP_PREFIXES.get(group_key, group_key[:1])
    numbers = [
        int(found.group(1))
        for row in rows
        if (found := re.fullmatch(rf"{re.escape(prefix)}(\d{{1,4}})", str(row.get("key", ""))))
    ]
    return f"{prefix}{max(numbers, default=0) + 1}"


def with_keys(group_key: str, rows: list[dict]) -> list[dict]:
    """The rows, each with a key of its own: a row keeps a valid key it came with; a new row (or
    one whose key another row already has) gets the group's next one."""
    prefix = GROUP_PREFIXES.get(group_key, group_key[:1])
    pattern = re.compile(rf"{re.escape(prefix)}\d{{1,4}}")
    seen: set[str] = set()
    kept = []
    for row in rows:
        key = str(row.get("key", ""))
        if not pattern.fullmatch(key) or key in seen:
            key = ""
        seen.add(key)
        kept.append({**row, "key": key})
    for row in kept:
        if not row["key"]:
            row["key"] = new_key(group_key, kept)
    return kept


def _number(value: Decimal) -> int | float:
    """A maximum as stored in the JSON: 10 or 7.5."""
    return int(value) if value == value.to_integral_value() else float(value)


def stored_rows(rows: list[dict]) -> list[dict]:
    """Rows as the draft and the season keep them (checked already by `criteria_problems`)."""
    return [
        {
            "key": row["key"],
            "title": " ".join(str(row["title"]).split()),
            "max": _number(parse_number(row["max"])),
            "method": row["method"],
        }
        for row in rows
    ]


def profile_problems(scoring: dict, profile: str, chosen: dict[str, list[dict]]) -> list[str]:
    """R366-SCORE-3 for one profile: sentences naming the profile, the group and the item."""
    if profile not in scoring["profiles"]:
        return [_("“%(profile)s” is not a scoring profile.") % {"profile": profile}]
    problems = criteria_problems(scoring, {"profiles": {profile: chosen}})
    too_many = [g for g in groups(scoring) if len(chosen.get(g["key"]) or []) > MAX_ITEMS]
    problems += [
        _("%(group)s: at most %(n)d items.") % {"group": g["label"], "n": MAX_ITEMS} for g in too_many
    ]
    return problems


# -- changing the draft ------------------------------------------------------------------------------


def _locked_draft(organization: Organization, year: int) -> ScoringCriteria:
    """The year's draft, locked; refused once the season of the year is open (R366-SET-1)."""
    season = Season.objects.filter(top_organization=organization, year=year).first()
    if season is not None:
        raise ValidationError([frozen_message(season)])
    draft, _created = ScoringCriteria.objects.select_for_update().get_or_create(
        top_organization=organization, year=year
    )
    return draft


def save_profile(
    *, organization: Organization, year: int, scoring: dict, profile: str, chosen: dict, actor
) -> ScoringCriteria:
    """Keep one profile's items in the year's draft (R366-SET-2). Refused, with sentences that
    name the profile, group and item, when they do not add up (R366-SCORE-3) or once the season
    of the year is open. A profile left with no item is scored group by group as a whole."""
    chosen = {g["key"]: with_keys(g["key"], chosen.get(g["key"]) or []) for g in groups(scoring)}
    problems = profile_problems(scoring, profile, chosen)
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        draft = _locked_draft(organization, year)
        profiles = dict(draft.profiles)
        kept = {key: stored_rows(rows) for key, rows in chosen.items() if rows}
        if kept:
            profiles[profile] = kept
        else:
            profiles.pop(profile, None)
        draft.profiles, draft.updated_by, draft.updated_at = profiles, actor, timezone.now()
        draft.save()
    return draft


def copy_previous(*, organization: Organization, year: int, actor) -> ScoringCriteria:
    """Start the year's draft from last year's criteria (those its season opened with, else its
    draft), replacing what the draft held. Keys are kept, so the items stay comparable."""
    found = criteria_year(organization, year)
    if found.frozen:
        raise ValidationError([frozen_message(found.season)])
    if not found.previous:
        raise ValidationError(
            [_("There are no criteria of %(year)s to copy: none were saved or opened.") % {"year": year - 1}]
        )
    known = set(found.scoring["profiles"]) if found.scoring else set()
    with transaction.atomic():
        draft = _locked_draft(organization, year)
        draft.profiles = {p: rows for p, rows in found.previous["profiles"].items() if p in known}
        draft.updated_by, draft.updated_at = actor, timezone.now()
        draft.save()
    return draft


# -- part B as a member of the profile will see it -----------------------------------------------------


def part_b_preview(rule_set: RuleSet, profile: str, chosen: dict[str, list[dict]]) -> dict:
    """Part B of the form a subject of `profile` fills in (R366-SCORE-1): the form's number and
    title, the scoring section, and per group its items as `criteria_items` gives them to the
    form (a group without items is one item worth the whole group). The rows must be free of
    problems (`profile_problems`)."""
    scoring = rule_set.scoring
    form = rule_set.form_templates.get(scoring["profiles"][profile].get("form", ""), {})
    section = next(
        (s for s in form.get("sections", []) if any(i.get("type") == "scores" for i in s.get("items", []))),
        {"key": "B", "title": ""},
    )
    chosen = {key: stored_rows(with_keys(key, rows)) for key, rows in chosen.items() if rows}
    items = criteria_items(scoring, {"profiles": {profile: chosen}}, profile)
    return {
        "form_number": form.get("form_number", ""),
        "title": form.get("title", ""),
        "subtitle": form.get("subtitle", ""),
        "section": section,
        "groups": [
            {
                "key": g["key"],
                "label": g["label"],
                "max": g["max"],
                "items": [i for i in items if i.group == g["key"]],
            }
            for g in groups(scoring)
        ],
        "total": sum(Decimal(g["max"]) for g in groups(scoring)),
    }
