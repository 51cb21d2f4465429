"""R-STAT-1 and R-STAT-2 broken down by directly subordinate organization, from the tally the
database keeps for each unit (reviews/kept_tallies.py): the dashboard's table of children, the
blockers board's and the summary's. A province has hundreds of children, so each is read as plain
values, in two statements compiled once per process."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import DecimalField, Exists, OuterRef, Subquery, Value

from config.kept_reads import KeptRead
from reviews.figures import MEMBER, ORGANIZATION, LevelCounts
from reviews.kept_tallies import SEPARATOR as TALLY_SEPARATOR
from reviews.models import Season, SeasonUnit, Subject, UnitTally


@dataclass(slots=True)
class ChildUnit:
    """A directly subordinate organization's unit as the breakdown by child shows it: plain values,
    not a SeasonUnit (a province has hundreds of children, and their model objects took twice as
    long as the values: bench/README.md, "2026-12-06, evening")."""

    pk: int
    code: str
    name: str
    organization_id: int
    kind: str
    has_children: bool


@dataclass
class ChildRow:
    unit: ChildUnit
    members: LevelCounts
    organizations: LevelCounts
    states: dict[str, int]
    member_states: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # in scope
    points_sum: Decimal = Decimal(0)  # decided points of its members (QĐ 366 seasons)
    points_n: int = 0
    redo: tuple[int, int] = (0, 0)  # R-SUP-1 demands on the subjects under it: open, done
    own_points: Decimal | None = None  # the decided points of its own organization subject (if read)

    @property
    def average_points(self) -> Decimal | None:
        return (self.points_sum / self.points_n).quantize(Decimal("0.1")) if self.points_n else None


def _children_of(season_id: int, unit_id: int, *, own_points: bool):
    from reviews.supervision.counts import redo_annotations

    below = SeasonUnit.objects.filter(parent=OuterRef("pk"))
    own = Subject.objects.filter(unit=OuterRef("pk"), kind=ORGANIZATION).values("decided_points")
    return (
        SeasonUnit.objects.filter(season_id=season_id, parent_id=unit_id)
        .annotate(
            has_children=Exists(below),
            **redo_annotations(season_id),
            own_points=Subquery(own[:1]) if own_points else Value(None, output_field=DecimalField()),
        )
        .order_by("name")
        .values_list(
            "pk",
            "code",
            "name",
            "organization_id",
            "kind",
            "has_children",
            "redo_open",
            "redo_done",
            "own_points",
        )
    )


def _tallies_of_children(season_id: int, unit_id: int):
    from reviews.facts.sql import InSubquery

    # One kept row per child (reviews/kept_tallies.py), not its dozens of kept figures: a province
    # has hundreds of children (bench/README.md, "2026-12-06, evening"). The children named by a
    # subquery, not a list of their ids, which the driver would parse again on every request; not
    # a join, which PostgreSQL answers with a scan of the season's rows (reviews/facts/sql.py).
    below_unit = SeasonUnit.objects.filter(parent_id=unit_id).values("pk")
    return UnitTally.objects.filter(InSubquery("unit_id", below_unit), season_id=season_id).values_list(
        "unit_id", "counts", "points", "scored"
    )


# Compiled once per process: building and compiling them took about a quarter of the province's
# breakdown (bench/README.md, "2026-12-07, later").
_CHILDREN = {
    own_points: KeptRead(
        lambda s, u, own_points=own_points: _children_of(s, u, own_points=own_points), int, int
    )
    for own_points in (False, True)
}
_TALLIES_OF_CHILDREN = KeptRead(_tallies_of_children, int, int)
_TALLY_KEYS: dict[str, tuple[str, str, str, str]] = {}  # a tally's key, split (a few dozen keys)


def _tally_key(key: str) -> tuple[str, str, str, str]:
    found = _TALLY_KEYS.get(key)
    if found is None:
        if len(_TALLY_KEYS) > 10_000:  # never in practice: kinds × states × levels × reasons
            _TALLY_KEYS.clear()
        found = _TALLY_KEYS[key] = tuple(key.split(TALLY_SEPARATOR))
    return found


def by_child(season: Season, unit: SeasonUnit, *, own_points: bool = False) -> list[ChildRow]:
    """R-STAT-1 and R-STAT-2 broken down by directly subordinate organization: the children, then
    the kept tally of each (its kept figures added up by the database); with the children, whether
    each has children of its own (`has_children`), the reviews each must do again (R-SUP-1) and,
    with `own_points`, the decided points of each child's own organization subject. Two queries."""
    table = {
        pk: ChildRow(
            ChildUnit(pk, code, name, organization_id, kind, has_children),
            LevelCounts(),
            LevelCounts(),
            defaultdict(int),
            redo=(redo_open, redo_done),
            own_points=points,
        )
        for pk, code, name, organization_id, kind, has_children, redo_open, redo_done, points in _CHILDREN[
            own_points
        ].read(season.pk, unit.pk)
    }
    if not table:
        return []
    for unit_id, counts, points, scored in _TALLIES_OF_CHILDREN.read(season.pk, unit.pk):
        row = table[unit_id]
        row.points_sum, row.points_n = points, scored
        for key, n in counts.items():
            kind, state, level, out = _tally_key(key)
            if kind == MEMBER:
                row.members.add(level, out, state, n)
            elif kind == ORGANIZATION:
                row.organizations.add(level, out, state, n)
            if not out:
                row.states[state] += n
                if kind == MEMBER:
                    row.member_states[state] += n
    return list(table.values())


def average_points_by_child(season: Season, unit: SeasonUnit) -> dict[int, Decimal]:
    """organization id → the average decided points of the members under each organization directly
    under `unit` (as ChildRow.average_points), for those with any, from their tallies. One query."""
    rows = UnitTally.objects.filter(season=season, unit__parent=unit, scored__gt=0).values_list(
        "unit__organization_id", "points", "scored"
    )
    return {organization_id: (points / n).quantize(Decimal("0.1")) for organization_id, points, n in rows}
