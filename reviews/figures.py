"""Season statistics for any organization, computed in the database by path prefix (R-STAT).

Every function runs a fixed number of queries whatever the size of the subtree: counts are
grouped in SQL, the breakdown by directly subordinate organization groups on the first
characters of the snapshot path.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, IntegerField, Q, Sum
from django.db.models.functions import Floor, Least, Substr
from django.utils import timezone

from members.models import CommitteeSeat, DisciplineRecord
from organizations.models import Organization, OrganizationDiscipline
from reviews.models import Season, SeasonUnit, Subject

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


def unit_for(season: Season, organization: Organization) -> SeasonUnit | None:
    return SeasonUnit.objects.filter(season=season, organization=organization).first()


def _subtree(season: Season, unit: SeasonUnit):
    return Subject.objects.filter(season=season, path__startswith=unit.path)


def level_counts(season: Season, unit: SeasonUnit) -> dict[str, LevelCounts]:
    """R-STAT-1: members and organizations under `unit` (the unit itself not counted among its
    organizations) by level. One query."""
    counts = {MEMBER: LevelCounts(), ORGANIZATION: LevelCounts()}
    rows = (
        _subtree(season, unit)
        .filter(kind__in=[MEMBER, ORGANIZATION])
        .exclude(kind=ORGANIZATION, unit=unit)
        .values_list("kind", "decided_level", "out_of_scope", "state")
        .annotate(n=Count("id"))
    )
    for kind, level, out, state, n in rows:
        counts[kind].add(level, out, state, n)
    return counts


@dataclass
class ChildRow:
    unit: SeasonUnit
    members: LevelCounts
    organizations: LevelCounts
    states: dict[str, int]
    points_sum: Decimal = Decimal(0)  # decided points of its members (QĐ 366 seasons)
    points_n: int = 0

    @property
    def average_points(self) -> Decimal | None:
        return (self.points_sum / self.points_n).quantize(Decimal("0.1")) if self.points_n else None


def by_child(season: Season, unit: SeasonUnit) -> list[ChildRow]:
    """R-STAT-1 and R-STAT-2 broken down by directly subordinate organization. Two queries."""
    children = {c.path: c for c in SeasonUnit.objects.filter(season=season, parent=unit).order_by("name")}
    if not children:
        return []
    width = len(unit.path) + Organization.steplen
    rows = (
        _subtree(season, unit)
        .exclude(unit=unit)
        .annotate(child_path=Substr("path", 1, width))
        .values_list("child_path", "kind", "decided_level", "out_of_scope", "state")
        .annotate(n=Count("id"), points=Sum("decided_points"), scored=Count("decided_points"))
    )
    table = {
        path: ChildRow(child, LevelCounts(), LevelCounts(), defaultdict(int))
        for path, child in children.items()
    }
    for path, kind, level, out, state, n, points, scored in rows:
        row = table.get(path)
        if row is None:
            continue
        if kind == MEMBER:
            row.members.add(level, out, state, n)
            row.points_sum += points or 0
            row.points_n += scored
        elif kind == ORGANIZATION:
            row.organizations.add(level, out, state, n)
        if not out:
            row.states[state] += n
    return list(table.values())


def previous_season(season: Season) -> Season | None:
    return Season.objects.filter(top_organization=season.top_organization, year=season.year - 1).first()


def compare_with_previous(season: Season, unit: SeasonUnit) -> dict[str, LevelCounts] | None:
    """R-STAT-1: the same counts for the same organization in the previous season."""
    previous = previous_season(season)
    if previous is None:
        return None
    earlier = SeasonUnit.objects.filter(season=previous, organization_id=unit.organization_id).first()
    return level_counts(previous, earlier) if earlier else None


def progress(season: Season, unit: SeasonUnit) -> dict[str, dict[str, int]]:
    """R-STAT-2: how many in-scope subjects of each kind are at each state. One query."""
    found: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for kind, state, n in (
        _subtree(season, unit).filter(out_of_scope="").values_list("kind", "state").annotate(n=Count("id"))
    ):
        found[kind][state] = n
    return {k: dict(v) for k, v in found.items()}


# Which states are still short of each phase, and the deadline key of that phase.
PHASES = [
    ("self_review", (S.DRAFT, S.RETURNED)),
    ("meeting", (S.DRAFT, S.RETURNED, S.SUBMITTED)),
    ("proposal", (S.DRAFT, S.RETURNED, S.SUBMITTED, S.REVIEWED)),
    ("decision", (S.DRAFT, S.RETURNED, S.SUBMITTED, S.REVIEWED, S.PROPOSED)),
]


def overdue(season: Season, unit: SeasonUnit, today: datetime.date | None = None) -> dict[str, int]:
    """R-STAT-2: per phase whose deadline has passed, how many subjects have not reached it.
    One query."""
    today = today or timezone.localdate()
    late = {
        phase: states
        for phase, states in PHASES
        if season.deadlines.get(phase) and datetime.date.fromisoformat(season.deadlines[phase]) < today
    }
    if not late:
        return {}
    aggregates = {phase: Count("id", filter=Q(state__in=states)) for phase, states in late.items()}
    return _subtree(season, unit).filter(out_of_scope="").aggregate(**aggregates)


def committee_member_ids(season: Season, unit: SeasonUnit):
    """R-STAT-3: the committee members (cấp ủy viên) of `unit`'s subtree: everyone holding a seat, at
    the season's reference date, on the committee of any organization of the subtree — cell
    committees, partial and base committees, the committees above, `unit`'s own — each member
    once. A subquery: the figures stay one query whatever the size of the tree."""
    day = season.reference_date
    organizations = SeasonUnit.objects.filter(season=season, path__startswith=unit.path).values(
        "organization_id"
    )
    return (
        CommitteeSeat.objects.filter(organization_id__in=organizations, starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .values("member_id")
    )


def follow_up(season: Season, unit: SeasonUnit) -> dict[str, int]:
    """R-STAT-3: remediation plans submitted (collectives, committee members), discipline in the
    year, second consecutive KHTNV flags. Three queries."""
    reviewed = (S.REVIEWED, S.PROPOSED, S.DECIDED)
    subjects = _subtree(season, unit).filter(out_of_scope="", state__in=reviewed)
    with_plan = Q(remediation_plan__submitted_at__isnull=False)
    committee = Q(kind=MEMBER, member_id__in=committee_member_ids(season, unit))
    figures = subjects.aggregate(
        collectives=Count("id", filter=~Q(kind=MEMBER)),
        collective_plans=Count("id", filter=~Q(kind=MEMBER) & with_plan),
        committee_members=Count("id", filter=committee),
        committee_plans=Count("id", filter=committee & with_plan),
        second_khtnv=Count("id", filter=Q(flags__second_khtnv=True)),
    )
    member_ids = _subtree(season, unit).filter(kind=MEMBER).values("member_id")
    figures["disciplined_members"] = (
        DisciplineRecord.objects.filter(member_id__in=member_ids, decided_on__year=season.year)
        .values("member_id")
        .distinct()
        .count()
    )
    organization_ids = SeasonUnit.objects.filter(season=season, path__startswith=unit.path).values(
        "organization_id"
    )
    figures["disciplined_organizations"] = (
        OrganizationDiscipline.objects.filter(
            organization_id__in=organization_ids, decided_on__year=season.year
        )
        .values("organization_id")
        .distinct()
        .count()
    )
    return figures


# -- points (QĐ 366 seasons) ------------------------------------------------------------------------

# The histogram's bands of points: below 50, then tens from 50 (the rule set's bands fall on them).
POINT_BINS = [(0, 50), (50, 60), (60, 70), (70, 80), (80, 90), (90, 100)]


def points_histogram(season: Season, unit: SeasonUnit) -> dict[tuple[int, str], int]:
    """(lower bound of the band of points, decided level) → how many decided members. One query."""
    rows = (
        _subtree(season, unit)
        .filter(kind=MEMBER, state=S.DECIDED, decided_points__isnull=False)
        .annotate(bin=Least(Floor(F("decided_points") / 10) * 10, 90, output_field=IntegerField()))
        .values_list("bin", "decided_level")
        .annotate(n=Count("id"))
    )
    found: dict[tuple[int, str], int] = defaultdict(int)
    for lower, level, n in rows:
        found[(0 if lower < 50 else int(lower), level)] += n
    return dict(found)


def blocked_by_condition(season: Season, unit: SeasonUnit, conditions) -> dict[str, int]:
    """How many in-scope subjects each condition holds below the band of their points, and how many
    fall in the gap where no level's conditions hold (kept on the subject with each step by
    reviews/regimes/qd366.record_outcome). One query."""
    # The list's JSON text holds the code in quotes: SQLite (`make run`) has no JSON containment.
    aggregates = {
        code: Count("id", filter=Q(scores__blocked_by__icontains=f'"{code}"')) for code in conditions
    }
    aggregates["gap"] = Count("id", filter=Q(scores__gap=True))
    return _subtree(season, unit).filter(out_of_scope="").aggregate(**aggregates)


def points_by_level(season: Season, unit: SeasonUnit) -> dict[str, dict[str, tuple[Decimal, int]]]:
    """Members and organizations under `unit` (the unit itself not counted), decided with points:
    kind → decided level → (sum of the decided points, how many). One query."""
    rows = (
        _subtree(season, unit)
        .filter(kind__in=[MEMBER, ORGANIZATION], state=S.DECIDED, decided_points__isnull=False)
        .exclude(kind=ORGANIZATION, unit=unit)
        .values_list("kind", "decided_level")
        .annotate(points=Sum("decided_points"), n=Count("id"))
    )
    found: dict[str, dict[str, tuple[Decimal, int]]] = {MEMBER: {}, ORGANIZATION: {}}
    for kind, level, points, n in rows:
        found[kind][level] = (points or Decimal(0), n)
    return found
