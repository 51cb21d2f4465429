"""Season statistics for any organization, read from the figures the database keeps (R-STAT).

Every figure of a subtree is a sum over the kept rows of one unit (reviews.models.SeasonFigure,
maintained by triggers: reviews/kept_figures.py), so a function reads the rows of the units it
shows, never the season's subjects; the breakdown by directly subordinate organization
(reviews/figures_children.py) reads the tally kept for each child. Functions that take `rows`
compute from rows already read, without a query. The kept rows and one unit's discipline counts
are read by statements compiled once per process (config/kept_reads.py), as the breakdown's are.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.db.models import (
    F,
    Func,
    IntegerField,
    JSONField,
    OuterRef,
    Subquery,
)
from django.utils import timezone

from config.kept_reads import KeptRead, Prefix
from members.models import DisciplineRecord
from organizations.models import Organization, OrganizationDiscipline
from reviews.facts.sql import JSONList, JSONRow
from reviews.models import Season, SeasonFigure, SeasonUnit, Subject

S = Subject.State
MEMBER, ORGANIZATION = Subject.Kind.MEMBER, Subject.Kind.ORGANIZATION


@dataclass
class LevelCounts:
    """How many subjects of one kind are at each level, not rated (with reasons), or pending."""

    levels: dict[str, int] = field(default_factory=dict)
    out_of_scope: dict[str, int] = field(default_factory=dict)
    absent: int = 0
    pending: int = 0

    @property
    def rated(self) -> int:
        return sum(self.levels.values())

    @property
    def total(self) -> int:
        return self.rated + sum(self.out_of_scope.values()) + self.absent + self.pending

    def percent(self, level: str) -> float:
        return round(100 * self.levels.get(level, 0) / self.rated, 1) if self.rated else 0.0

    def add(self, level: str, out_of_scope: str, state: str, n: int) -> None:
        if out_of_scope:
            self.out_of_scope[out_of_scope] = self.out_of_scope.get(out_of_scope, 0) + n
        elif state == S.DECIDED and level:
            self.levels[level] = self.levels.get(level, 0) + n
        elif state == S.ABSENT:
            self.absent += n
        else:
            self.pending += n


class Row(NamedTuple):
    """One kept row of a unit's figures (reviews.models.SeasonFigure)."""

    own: bool
    kind: str
    state: str
    level: str
    out_of_scope: str
    band: int
    plan: bool
    second_khtnv: bool
    gap: bool
    blocked: str
    committee: bool
    n: int
    points: Decimal
    scored: int


def unit_for(season: Season, organization: Organization) -> SeasonUnit | None:
    return SeasonUnit.objects.filter(season=season, organization=organization).first()


def _subtree(season: Season, unit: SeasonUnit):
    return Subject.objects.filter(season=season, path__startswith=unit.path)


def kept_rows(season: Season, unit: SeasonUnit) -> list[Row]:
    """The kept figures of `unit`'s subtree: a few dozen rows whatever its size. One query."""
    return [Row(*r) for r in _KEPT_ROWS.read(season.pk, unit.pk)]


_KEPT_ROWS = KeptRead(
    lambda season_id, unit_id: (
        SeasonFigure.objects.filter(season_id=season_id, unit_id=unit_id)
        .exclude(n=0)
        .values_list(*Row._fields)
    ),
    int,
    int,
)


def kept_rows_of_units(season: Season, units: list[SeasonUnit]) -> dict[int, list[Row]]:
    """unit id → the kept figures of its subtree, for several units in one query."""
    found: dict[int, list[Row]] = defaultdict(list)
    if units:
        for unit_id, *values in (
            SeasonFigure.objects.filter(season=season, unit__in=units)
            .exclude(n=0)
            .values_list("unit_id", *Row._fields)
        ):
            found[unit_id].append(Row(*values))
    return found


def _rows(season: Season, unit: SeasonUnit, rows: list[Row] | None) -> list[Row]:
    return kept_rows(season, unit) if rows is None else rows


def level_counts(season: Season, unit: SeasonUnit, rows: list[Row] | None = None) -> dict[str, LevelCounts]:
    """R-STAT-1: members and organizations under `unit` (the unit itself not counted among its
    organizations) by level. One query, none given the rows."""
    counts = {MEMBER: LevelCounts(), ORGANIZATION: LevelCounts()}
    for r in _rows(season, unit, rows):
        if r.kind == MEMBER or (r.kind == ORGANIZATION and not r.own):
            counts[r.kind].add(r.level, r.out_of_scope, r.state, r.n)
    return counts


def previous_unit(season: Season, unit: SeasonUnit, *, with_rows: bool = False) -> SeasonUnit | None:
    """The same organization's copy in the previous season of the same top organization, with that
    season and its rule set; with `with_rows`, its kept rows (kept_rows) as `kept`. One query."""
    found = SeasonUnit.objects.filter(
        season__top_organization_id=season.top_organization_id,
        season__year=season.year - 1,
        organization_id=unit.organization_id,
    ).select_related("season__rule_set")
    if with_rows:
        rows = SeasonFigure.objects.filter(unit=OuterRef("pk")).exclude(n=0).order_by().values("unit")
        listed = rows.annotate(listed=JSONList(JSONRow(**{f: f for f in Row._fields}))).values("listed")
        found = found.annotate(kept=Subquery(listed, output_field=JSONField()))
    earlier = found.first()
    if earlier is not None and with_rows:
        earlier.kept = [_row_from_json(r) for r in earlier.kept or ()]
    return earlier


def _row_from_json(values: dict) -> Row:
    """A kept row from its JSON object (SQLite's says 1 and 0 for booleans; points are a number)."""
    bools = {"own", "plan", "second_khtnv", "gap", "committee"}
    row = {f: bool(values[f]) if f in bools else values[f] for f in Row._fields}
    row["points"] = Decimal(str(row["points"])) if row["points"] is not None else None
    return Row(**row)


def compare_with_previous(season: Season, unit: SeasonUnit) -> dict[str, LevelCounts] | None:
    """R-STAT-1: the same counts for the same organization in the previous season (frozen when it
    closed), None when it kept none. One query."""
    rows = (
        SeasonFigure.objects.filter(
            season__top_organization_id=season.top_organization_id,
            season__year=season.year - 1,
            unit__organization_id=unit.organization_id,
        )
        .exclude(n=0)
        .values_list(*Row._fields)
    )
    found = [Row(*r) for r in rows]
    return level_counts(season, unit, found) if found else None


def progress(season: Season, unit: SeasonUnit, rows: list[Row] | None = None) -> dict[str, dict[str, int]]:
    """R-STAT-2: how many in-scope subjects of each kind are at each state. One query, none given
    the rows."""
    found: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in _rows(season, unit, rows):
        if not r.out_of_scope:
            found[r.kind][r.state] += r.n
    return {k: {state: n for state, n in v.items() if n} for k, v in found.items()}


# Which states are still short of each phase, and the deadline key of that phase.
PHASES = [
    ("self_review", (S.DRAFT, S.RETURNED)),
    ("meeting", (S.DRAFT, S.RETURNED, S.SUBMITTED)),
    ("proposal", (S.DRAFT, S.RETURNED, S.SUBMITTED, S.REVIEWED)),
    ("decision", (S.DRAFT, S.RETURNED, S.SUBMITTED, S.REVIEWED, S.PROPOSED)),
]


def overdue(
    season: Season, unit: SeasonUnit, today: datetime.date | None = None, rows: list[Row] | None = None
) -> dict[str, int]:
    """R-STAT-2: per phase whose deadline has passed, how many subjects have not reached it.
    At most one query, none given the rows."""
    today = today or timezone.localdate()
    late = {
        phase: states
        for phase, states in PHASES
        if season.deadlines.get(phase) and datetime.date.fromisoformat(season.deadlines[phase]) < today
    }
    if not late:
        return {}
    states = defaultdict(int)
    for by_state in progress(season, unit, rows).values():
        for state, n in by_state.items():
            states[state] += n
    return {phase: sum(states[s] for s in short) for phase, short in late.items()}


REVIEWED = (S.REVIEWED, S.PROPOSED, S.DECIDED)


def _count(queryset, field: str, distinct: bool = False) -> Subquery:
    """COUNT over `queryset` as a scalar subquery, so that several counts make one query."""
    template = "COUNT(DISTINCT %(expressions)s)" if distinct else "COUNT(%(expressions)s)"
    count = Func(F(field), template=template, output_field=IntegerField())
    return Subquery(queryset.order_by().annotate(found=count).values("found")[:1])


def follow_up(season: Season, unit: SeasonUnit, rows: list[Row] | None = None) -> dict[str, int]:
    """R-STAT-3: remediation plans submitted (collectives, committee members), discipline in the
    year, second consecutive KHTNV flags. All but discipline come from the kept rows (a committee
    member of the subtree: a seat, at the reference date, on the committee of an organization of
    it; reviews/kept_figures.COMMITTEE_REACH_UPDATE); the discipline from the year's records, read
    through an index from the few rows that name them, in one query of two counts."""
    return follow_ups([(season, unit, rows)])[0]


def follow_ups(wanted: list[tuple[Season, SeasonUnit, list[Row] | None]]) -> list[dict[str, int]]:
    """follow_up of each (season, unit, rows): the discipline counts of all in one query."""
    found, counts = [], {}
    for n, (season, unit, rows) in enumerate(wanted):
        figures = dict.fromkeys(
            ("collectives", "collective_plans", "second_khtnv", "committee_members", "committee_plans"), 0
        )
        for r in _rows(season, unit, rows):
            if r.out_of_scope or r.state not in REVIEWED:
                continue
            if r.kind != MEMBER:
                figures["collectives"] += r.n
                figures["collective_plans"] += r.n if r.plan else 0
            elif r.committee:
                figures["committee_members"] += r.n
                figures["committee_plans"] += r.n if r.plan else 0
            figures["second_khtnv"] += r.n if r.second_khtnv else 0
        found.append(figures)
        if len(wanted) > 1:
            discipline = _discipline_counts(*_discipline_values(season, unit))
            counts |= {f"{name}_{n}": count for name, count in discipline.items()}
    if len(wanted) == 1:  # the dashboard's: compiled once per process
        read = _DISCIPLINE_OF_ONE.first(*_discipline_values(*wanted[0][:2]))
    else:
        read = Season.objects.filter(pk=wanted[0][0].pk).values(**counts).get()
    for n, figures in enumerate(found):
        figures |= {
            name: read[f"{name}_{n}"] for name in ("disciplined_members", "disciplined_organizations")
        }
    return found


def _discipline_values(season: Season, unit: SeasonUnit) -> tuple:
    year = season.year
    return season.pk, datetime.date(year, 1, 1), datetime.date(year, 12, 31), Prefix(unit.path)


def _discipline_counts(
    season_id: int, first_day: datetime.date, last_day: datetime.date, path: str
) -> dict[str, Subquery]:
    """The members and the organizations of the subtree at `path` disciplined in the season year
    (its first and last days)."""
    disciplined = DisciplineRecord.objects.filter(
        decided_on__gte=first_day,
        decided_on__lte=last_day,
        member__review_subjects__season_id=season_id,
        member__review_subjects__path__startswith=path,
        member__review_subjects__kind=MEMBER,
    )
    organizations = OrganizationDiscipline.objects.filter(
        organization_id__in=SeasonUnit.objects.filter(season_id=season_id, path__startswith=path).values(
            "organization_id"
        ),
        decided_on__gte=first_day,
        decided_on__lte=last_day,
    )
    return {
        "disciplined_members": _count(disciplined, "member_id", distinct=True),
        "disciplined_organizations": _count(organizations, "organization_id", distinct=True),
    }


_DISCIPLINE_OF_ONE = KeptRead(
    lambda season_id, first_day, last_day, path: Season.objects.filter(pk=season_id).values(
        **{
            f"{name}_0": count
            for name, count in _discipline_counts(season_id, first_day, last_day, path).items()
        }
    ),
    int,
    datetime.date,
    datetime.date,
    Prefix,
)


# -- points (QĐ 366 seasons) ------------------------------------------------------------------------

# The histogram's bands of points: below 50, then tens from 50 (the rule set's bands fall on them;
# the triggers key each decided subject by its band: reviews/kept_figures.BAND).
POINT_BINS = [(0, 50), (50, 60), (60, 70), (70, 80), (80, 90), (90, 100)]


def points_histogram(
    season: Season, unit: SeasonUnit, rows: list[Row] | None = None
) -> dict[tuple[int, str], int]:
    """(lower bound of the band of points, decided level) → how many decided members. One query,
    none given the rows."""
    found: dict[tuple[int, str], int] = defaultdict(int)
    for r in _rows(season, unit, rows):
        if r.kind == MEMBER and r.state == S.DECIDED and r.band >= 0 and r.n:
            found[(r.band, r.level)] += r.n
    return dict(found)


def blocked_by_condition(
    season: Season, unit: SeasonUnit, conditions, rows: list[Row] | None = None
) -> dict[str, int]:
    """How many in-scope subjects each condition holds below the band of their points, and how many
    fall in the gap where no level's conditions hold (kept on the subject with each step by
    reviews/regimes/qd366.record_outcome). One query, none given the rows."""
    found = dict.fromkeys([*conditions, "gap"], 0)
    for r in _rows(season, unit, rows):
        if r.out_of_scope:
            continue
        # The kept key is the list's JSON text, which holds each code in quotes.
        text = r.blocked.lower()
        for code in conditions:
            found[code] += r.n if f'"{code}"' in text else 0
        found["gap"] += r.n if r.gap else 0
    return found


def points_by_level(
    season: Season, unit: SeasonUnit, rows: list[Row] | None = None
) -> dict[str, dict[str, tuple[Decimal, int]]]:
    """Members and organizations under `unit` (the unit itself not counted), decided with points:
    kind → decided level → (sum of the decided points, how many). One query, none given the rows."""
    found: dict[str, dict[str, tuple[Decimal, int]]] = {MEMBER: {}, ORGANIZATION: {}}
    for r in _rows(season, unit, rows):
        if r.state != S.DECIDED or r.band < 0 or not r.scored:
            continue
        if r.kind == MEMBER or (r.kind == ORGANIZATION and not r.own):
            points, n = found[r.kind].get(r.level, (Decimal(0), 0))
            found[r.kind][r.level] = (points + r.points, n + r.scored)
    return found
