"""What each user sees first: for each role they hold today, what there is to do next in the
current season, with links to the pages where they do it. A fixed number of queries whatever the
size of the subtrees (the season's counts come from the kept figures), and one read of each kind
for all the user's roles together."""

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Count, Q

from members.models import ON_ROLL, Member, Pledge, Status, own_member
from organizations.access import todays_roles
from organizations.models import Kind, Organization, Role
from reviews.access import STAFF, season_scope
from reviews.figures import kept_rows_of_units
from reviews.models import MeetingAttendance, SeasonUnit, Subject
from reviews.next_steps import cell_checklist
from reviews.views.common import current_season

S = Subject.State
CELL_KINDS = (Kind.CELL, Kind.BASE_CELL)
WRITING = (S.DRAFT, S.RETURNED)
MEMBER_COUNTS = {
    "on_roll": Q(status__in=ON_ROLL),
    "probationary": Q(status=Status.ACTIVE, official_on__isnull=True),
    "exempt": Q(status=Status.EXEMPT),
}


def _organization_counts(organizations: list[Organization]) -> dict[int, dict]:
    """organization id → the live organizations under it by kind and its members by status. Two
    queries for all the organizations."""
    if not organizations:
        return {}
    under = reduce(or_, (Q(path__startswith=o.path) for o in organizations))
    kinds = (
        Organization.objects.filter(under, dissolved_on__isnull=True)
        .order_by()
        .aggregate(
            **{
                f"{o.pk}:{kind}": Count("id", filter=Q(path__startswith=o.path, kind=kind) & ~Q(pk=o.pk))
                for o in organizations
                for kind in Kind.values
            }
        )
    )
    in_cells = reduce(or_, (Q(cell__path__startswith=o.path) for o in organizations))
    members = Member.objects.filter(in_cells).aggregate(
        **{
            f"{o.pk}:{name}": Count("id", filter=condition & Q(cell__path__startswith=o.path))
            for o in organizations
            for name, condition in MEMBER_COUNTS.items()
        }
    )
    return {
        o.pk: {
            "kinds": [
                (Kind(kind).label, kinds[f"{o.pk}:{kind}"]) for kind in Kind.values if kinds[f"{o.pk}:{kind}"]
            ],
            **{name: members[f"{o.pk}:{name}"] for name in MEMBER_COUNTS},
        }
        for o in organizations
    }


def _member_tasks(member: Member, season, pledges: dict[int, Pledge], cells_read: set[int]) -> dict:
    """The member's own pledge, self-review and result; the pledge from `pledges` when their cell's
    pledges were read already (the cells in `cells_read`)."""
    subject = (
        Subject.objects.filter(season=season, member=member)
        .select_related("season__rule_set")
        .annotate(open_suggestions=Count("suggestions", filter=Q(suggestions__answer="")))
        .first()
    )
    if member.cell_id in cells_read:
        pledge = pledges.get(member.pk)
    else:
        pledge = Pledge.objects.filter(member=member, year=season.year).first()
    return {
        "subject": subject,
        "decided_label": subject.season.rule_set.level_label(subject.decided_level) if subject else "",
        "pledge": pledge,
        "open_suggestions": subject.open_suggestions if subject else 0,
    }


def _counts(rows) -> dict:
    """The tiles of a unit from its kept figures: they add up to the total (R-SCOPE-2, R-SCOPE-6)."""
    counts = dict.fromkeys(
        (
            "total",
            "members",
            "writing",
            "submitted",
            "absent",
            "reviewed",
            "proposed",
            "decided",
            "not_in_scope",
        ),
        0,
    )
    for r in rows:
        counts["total"] += r.n
        counts["members"] += r.n if r.kind == Subject.Kind.MEMBER else 0
        if r.out_of_scope:
            counts["not_in_scope"] += r.n
        elif r.state in WRITING:
            counts["writing"] += r.n
        elif r.state in counts:
            counts[r.state] += r.n
    return counts


@dataclass
class CellTasks:
    """The next steps of the cells among the user's units, the year's pledges of their members (by
    member id) and, per cell, the pledges submitted and waiting to be acknowledged."""

    checklists: dict[int, object] = field(default_factory=dict)
    pledges: dict[int, Pledge] = field(default_factory=dict)
    to_acknowledge: dict[int, int] = field(default_factory=dict)


def _cell_tasks(season, units: list[SeasonUnit]) -> CellTasks:
    """As on each cell's board (reviews/next_steps.py). Two queries for all the cells."""
    if not units:
        return CellTasks()
    subjects = list(
        Subject.objects.filter(season=season, unit__in=units)
        .select_related("decider")
        .order_by("sort_key", "id")
    )
    pledges = {
        p.member_id: p
        for p in Pledge.objects.filter(
            year=season.year, member_id__in=[s.member_id for s in subjects if s.member_id]
        )
    }
    found = CellTasks(pledges=pledges)
    for unit in units:
        own = [s for s in subjects if s.unit_id == unit.pk]
        found.checklists[unit.pk] = cell_checklist(season, unit, own, pledges)
        found.to_acknowledge[unit.pk] = sum(
            1 for s in own if s.member_id in pledges and pledges[s.member_id].state == Pledge.State.SUBMITTED
        )
    return found


def _cell_checklist(season, unit: SeasonUnit):
    """One cell's next steps (the cell board's checklist)."""
    return _cell_tasks(season, [unit]).checklists[unit.pk]


def _unit_tasks(season, units: dict[int, SeasonUnit], roles: list[Role]) -> tuple[dict[int, dict], CellTasks]:
    """role's organization id → its season unit, the tiles of its subtree by state, what waits for a
    decision there (staff and the board), the pledges to acknowledge and the next steps (cells)."""
    mine = {r.organization_id: units[r.organization_id] for r in roles if r.organization_id in units}
    rows = kept_rows_of_units(season, list(mine.values()))
    deciding = [mine[r.organization_id] for r in roles if r.kind in STAFF and r.organization_id in mine]
    to_decide = {}
    if deciding:
        to_decide = dict(
            Subject.objects.filter(season=season, decider__in=deciding, state=S.PROPOSED, out_of_scope="")
            .values_list("decider_id")
            .annotate(n=Count("id"))
            .order_by()
        )
    cells = _cell_tasks(season, [u for u in mine.values() if u.kind in CELL_KINDS])
    tasks = {}
    for organization_id, unit in mine.items():
        counts = {**_counts(rows.get(unit.pk, [])), "to_decide_here": to_decide.get(unit.pk, 0)}
        found = {
            "unit": unit,
            "counts": counts,
            "pledges_to_acknowledge": cells.to_acknowledge.get(unit.pk, 0),
        }
        if unit.pk in cells.checklists:
            found["checklist"] = cells.checklists[unit.pk]
        tasks[organization_id] = found
    return tasks, cells


def home_context(user) -> dict:
    season = current_season(user)
    member = own_member(user)
    everything = todays_roles(user)
    roles = sorted(
        (r for r in everything if r.kind != Role.Kind.MEMBER), key=lambda r: (r.kind, r.organization.path)
    )
    counts = _organization_counts([r.organization for r in roles])
    # The season's copies of the organizations of every role (a member's role too: what it may see).
    units = {}
    if season and everything:
        units = {
            u.organization_id: u
            for u in SeasonUnit.objects.filter(
                season=season, organization_id__in=[r.organization_id for r in everything]
            )
        }
    tasks, cells = _unit_tasks(season, units, roles) if units and roles else ({}, CellTasks())
    panels = []
    for role in roles:
        panel = {"role": role, "organization": role.organization, "counts": counts[role.organization_id]}
        if season:
            panel["season"] = tasks.get(role.organization_id, {})
        panels.append(panel)
    attends = member is not None and getattr(user, "kd_attends", True)
    cells_read = {u.organization_id for u in units.values() if u.pk in cells.checklists}
    return {
        "member": member,
        "season": season,
        "mine": _member_tasks(member, season, cells.pledges, cells_read) if member and season else None,
        "panels": panels,
        "sees_season": bool(season and (units or (attends and season_scope(user, season).roles))),
        # Issue 15: the review meetings this member is assigned to attend (read only when there are some).
        "attending": list(
            MeetingAttendance.objects.filter(member=member)
            .select_related("unit", "season")
            .order_by("-attends_on")
        )
        if attends
        else [],
    }
