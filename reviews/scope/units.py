"""The season's snapshot of the tree: its units at the reference date, and a subject for each
unit and each leadership collective, with who decides it (R-SCOPE-1, R-SCOPE-5)."""

import datetime

from django.db.models import F, Q

from organizations.models import ALLOWED_CHILDREN, BASE_KINDS, Organization
from reviews.models import Season, SeasonUnit, Subject
from reviews.regimes import regime_of


def months_before(day: datetime.date, months: int) -> datetime.date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)


def _decider(unit: SeasonUnit, by_path: dict[str, SeasonUnit], authority: str) -> SeasonUnit | None:
    """R-STEP-2 / R366-STEP-1: who decides a unit's rating, from the rule set's authority table."""
    if authority == "base":
        return unit.base_unit
    if authority == "parent":
        return by_path.get(unit.path[: -Organization.steplen])
    return None  # "above": decided outside the province


def decides_ratings(rules, kind: str) -> bool:
    """Whether a unit of `kind` decides any rating under the rule set's authority table, as
    `_decider` and the members' subjects assign them (R-STEP-2, R366-STEP-1): a base organization
    decides its members'; a unit decides a child's whose authority is "parent". A cell or a partial
    committee only proposes: the decision, and the paper that records it, are the level above's."""
    if kind in BASE_KINDS:
        return True
    return any(rules.authority.get(child, "parent") == "parent" for child in ALLOWED_CHILDREN.get(kind, ()))


def _snapshot_units(season: Season) -> list[SeasonUnit]:
    """Copy the organizations that existed at the reference date, top-down so parents come first."""
    day = season.reference_date
    organizations = (
        season.top_organization.subtree()
        .filter(Q(founded_on__isnull=True) | Q(founded_on__lte=day))
        .exclude(dissolved_on__lte=day)
        .order_by("depth", "path")
    )
    by_path: dict[str, SeasonUnit] = {}
    units: list[SeasonUnit] = []
    for depth_batch in _by_depth(organizations):
        batch = []
        for org in depth_batch:
            parent = by_path.get(org.path[: -Organization.steplen])
            if parent is None and org.pk != season.top_organization_id:
                continue  # its parent did not exist at the reference date
            batch.append(
                SeasonUnit(
                    season=season,
                    organization=org,
                    parent=parent,
                    path=org.path,
                    depth=org.depth,
                    code=org.code,
                    name=org.name,
                    kind=org.kind,
                    founded_on=org.founded_on,
                    has_leadership_collective=org.has_leadership_collective,
                    # A unit below a base organization belongs to it; a base one to itself (set below).
                    base_unit=(
                        parent if parent and parent.kind in BASE_KINDS else parent and parent.base_unit
                    ),
                )
            )
        SeasonUnit.objects.bulk_create(batch, batch_size=2000)
        for unit in batch:
            by_path[unit.path] = unit
            if unit.kind in BASE_KINDS:
                unit.base_unit = unit
            units.append(unit)
    SeasonUnit.objects.filter(season=season, kind__in=BASE_KINDS).update(base_unit=F("id"))
    return units


def _by_depth(organizations):
    current_depth, batch = None, []
    for org in organizations.iterator(chunk_size=5000):
        if org.depth != current_depth and batch:
            yield batch
            batch = []
        current_depth = org.depth
        batch.append(org)
    if batch:
        yield batch


def _collective_subjects(season: Season, units: list[SeasonUnit]) -> list[Subject]:
    """Each unit and, where it has one, its leadership collective (R366-SCOPE-2: in a cell without
    a chi ủy the secretary and deputy are reviewed at the cell, as members). A leader is reviewed
    at their cell and again in the leadership collective they sit on (R366-SCOPE-4). Collectives
    write form 01 (R366-FORM-01)."""
    rules = season.rule_set
    profile = regime_of(rules).collective_profile()
    new_before = months_before(season.reference_date, rules.switch("new_organization_months"))
    by_path = {unit.path: unit for unit in units}
    subjects = []
    for unit in units:
        kinds = [Subject.Kind.ORGANIZATION]
        if unit.has_leadership_collective:
            kinds.append(Subject.Kind.LEADERSHIP)
        decider = _decider(unit, by_path, rules.authority.get(unit.kind, "parent"))
        if decider is None:
            reason = Subject.OutOfScope.DECIDED_ABOVE
        elif unit.founded_on and unit.founded_on > new_before:
            reason = Subject.OutOfScope.NEW_ORGANIZATION  # R-SCOPE-5, R366-SCOPE-6
        else:
            reason = ""
        for kind in kinds:
            prefix = "o" if kind == Subject.Kind.ORGANIZATION else "l"
            subjects.append(
                Subject(
                    season=season,
                    kind=kind,
                    unit=unit,
                    path=unit.path,
                    name=_collective_name(unit, kind),
                    decider=decider,
                    quota_key=f"{prefix}:{decider.pk}:{unit.kind}" if decider else "",
                    form_code="01",
                    profile=profile,
                    out_of_scope=reason,
                    state=Subject.State.EXCLUDED if reason else Subject.State.DRAFT,
                )
            )
    Subject.objects.bulk_create(subjects, batch_size=2000)
    return subjects


def _collective_name(unit: SeasonUnit, kind: str) -> str:
    if kind == Subject.Kind.ORGANIZATION:
        return unit.name
    return f"{_LEADERSHIP_PREFIX.get(unit.kind, 'Tập thể lãnh đạo')} {unit.name}"


# The leadership collective of each kind, as the forms name it (data, so Vietnamese).
_LEADERSHIP_PREFIX = {
    "cell": "Chi ủy",
    "base_cell": "Chi ủy",
    "partial_committee": "Đảng ủy bộ phận",
    "base_committee": "Ban Thường vụ (Đảng ủy)",
    "direct_committee": "Ban Thường vụ",
    "provincial_committee": "Ban Thường vụ",
}
