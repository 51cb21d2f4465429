"""Opening a season: snapshot the tree and the roll, create the subjects (R-SCOPE-1..6).

`open_season` is one call and idempotent: a second call for the same top organization and year
returns the season it opened the first time. Members are inserted with one INSERT … SELECT so
that a province of 500,000 members opens in seconds (bench/bench_open_season.py).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from members.bulk import analyze
from members.models import CellPeriod, CommitteeSeat, Member, Status, StatusPeriod
from organizations.models import BASE_KINDS, CELL_KINDS, Organization
from reviews import kept_figures
from reviews.audit import append_event
from reviews.defaults import rule_set_for_year
from reviews.models import AuditChain, QuotaGroup, RuleSet, Season, SeasonUnit, Subject
from reviews.regimes import regime_of
from reviews.scoring import criteria_problems


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


MEMBER_INSERT = """
INSERT INTO reviews_subject (
    season_id, kind, unit_id, member_id, path, name, sort_key, decider_id, quota_key, form_code,
    profile, position, is_leader, is_civil_servant, out_of_scope, state, self_level,
    civil_service_level, proposed_level, decided_level, absent_reason, needs_former_cell_comment,
    needs_temporary_cell_comment, flags, scores, updated_at
)
SELECT
    %(season)s, 'member', u.id, m.id, u.path, m.full_name, m.sort_key, u.base_unit_id,
    CASE WHEN %(split_leaders)s AND m.is_leader THEN 'm:' || u.base_unit_id || ':lead'
         WHEN %(split_leaders)s THEN 'm:' || u.base_unit_id || ':other'
         ELSE 'm:' || u.base_unit_id END,
    {form_code}, {profile},
    2, m.is_leader, m.is_civil_servant,
    CASE WHEN sp.status = %(exempt)s THEN 'exempt'
         WHEN sp.status = %(suspended)s THEN 'suspended'
         WHEN m.admitted_on > %(new_member_before)s THEN 'new_member'
         ELSE '' END,
    CASE WHEN sp.status IN (%(exempt)s, %(suspended)s) OR m.admitted_on > %(new_member_before)s
         THEN 'excluded' ELSE 'draft' END,
    '', '', '', '', '', %(false)s,
    sp.status = %(temporary)s,
    '{{}}', '{{}}', %(now)s
FROM members_member m
JOIN members_cellperiod cp ON cp.member_id = m.id AND cp.starts_on <= %(day)s
    AND (cp.ends_on IS NULL OR cp.ends_on >= %(day)s)
JOIN members_statusperiod sp ON sp.member_id = m.id AND sp.starts_on <= %(day)s
    AND (sp.ends_on IS NULL OR sp.ends_on >= %(day)s)
JOIN reviews_seasonunit u ON u.season_id = %(season)s AND u.organization_id = cp.cell_id
WHERE sp.status IN %(on_roll)s AND u.kind IN %(cell_kinds)s AND u.base_unit_id IS NOT NULL
"""


def _member_subjects(season: Season) -> None:
    """R-SCOPE-2 / R366-SCOPE-1: exempt, suspended and newly admitted members are listed, not
    reviewed. R-SCOPE-3: probationary members of 6 months or more are reviewed like everyone else
    (kept under QĐ 366: R366-SCOPE-6). R366-SCOPE-4: a member is reviewed at the cell of their
    roll at the reference date, whatever seat they hold elsewhere; a temporarily registered member
    at their official cell (R366-SCOPE-6).
    The form (R-FORM-2 / R-FORM-3: 02A or 02B) and, under QĐ 366, the scoring profile (2A, 2B or
    2C by profile) come from the regime, changeable per member."""
    if connection.vendor == "postgresql":
        # Check foreign keys row by row instead of queueing half a million checks for COMMIT.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    rules = season.rule_set
    params = {
        "season": season.pk,
        "day": season.reference_date,
        "now": timezone.now(),
        "false": False,
        "split_leaders": rules.quota.get("grouping") == "decider_leaders_apart",
        "exempt": Status.EXEMPT,
        "suspended": Status.SUSPENDED,
        "temporary": Status.TEMPORARY_ELSEWHERE,
        "new_member_before": months_before(season.reference_date, rules.switch("new_member_months")),
        "on_roll": (Status.ACTIVE, Status.EXEMPT, Status.SUSPENDED, Status.TEMPORARY_ELSEWHERE),
        "cell_kinds": tuple(CELL_KINDS),
    }
    regime = regime_of(rules)
    sql = MEMBER_INSERT.format(form_code=regime.member_form_sql(), profile=regime.member_profile_sql())
    with connection.cursor() as cursor:
        cursor.execute(_expand_tuples(sql, params), _flat_params(params))


def _expand_tuples(sql: str, params: dict) -> str:
    """Turn %(name)s of tuple parameters into (%(name_0)s, %(name_1)s, …) for both backends."""
    for name, value in params.items():
        if isinstance(value, tuple):
            sql = sql.replace(
                f"%({name})s", "(" + ", ".join(f"%({name}_{i})s" for i in range(len(value))) + ")"
            )
    return sql


def _flat_params(params: dict) -> dict:
    flat = {}
    for name, value in params.items():
        if isinstance(value, tuple):
            flat.update({f"{name}_{i}": item for i, item in enumerate(value)})
        else:
            flat[name] = value
    return flat


def _mark_transfers(season: Season) -> None:
    """R-SCOPE-4 (kept under QĐ 366: R366-SCOPE-6): members who moved cell during the year and
    spent 6 months or more at the former cell need its written comments before a proposal."""
    year_start = datetime.date(season.year, 1, 1)
    day = season.reference_date
    months = season.rule_set.switch("former_cell_months")
    moved = CellPeriod.objects.filter(starts_on__gt=year_start, starts_on__lte=day).values_list(
        "member_id", flat=True
    )
    periods: dict[int, list[CellPeriod]] = {}
    for period in CellPeriod.objects.filter(member_id__in=moved).order_by("member_id", "starts_on"):
        periods.setdefault(period.member_id, []).append(period)
    needing = []
    for member_id, member_periods in periods.items():
        current = next(
            (p for p in member_periods if p.starts_on <= day and (p.ends_on is None or p.ends_on >= day)),
            None,
        )
        if current is None:
            continue
        former_days = sum(
            (
                (
                    min(p.ends_on or day, current.starts_on - datetime.timedelta(days=1))
                    - max(p.starts_on, year_start)
                ).days
                + 1
            )
            for p in member_periods
            if p.cell_id != current.cell_id
            and (p.ends_on or day) >= year_start
            and p.starts_on < current.starts_on
        )
        if former_days >= months * 30.4:
            needing.append(member_id)
    Subject.objects.filter(season=season, member_id__in=needing).update(needs_former_cell_comment=True)


POSITIONS_UPDATE = """
UPDATE reviews_subject SET position = seats.position
FROM (
    SELECT cs.member_id, u.id AS unit_id, MIN(cs.position) AS position
    FROM members_committeeseat cs
    JOIN reviews_seasonunit u ON u.organization_id = cs.organization_id AND u.season_id = %(season)s
    WHERE cs.starts_on <= %(day)s AND (cs.ends_on IS NULL OR cs.ends_on >= %(day)s)
      AND (cs.suspended_on IS NULL OR cs.suspended_on > %(day)s)
      AND NOT (cs.concurrent = 'full_time' AND NOT cs.main_place)
    GROUP BY cs.member_id, u.id
) AS seats
WHERE reviews_subject.season_id = %(season)s AND reviews_subject.kind = 'member'
  AND reviews_subject.member_id = seats.member_id AND reviews_subject.unit_id = seats.unit_id
"""


def _mark_positions(season: Season) -> None:
    """R-ORDER-3: the head of the cell first, then deputies, then the other members. A seat
    suspended from the committee's activity gives no position (R366-SCOPE-6)."""
    with connection.cursor() as cursor:
        cursor.execute(POSITIONS_UPDATE, {"season": season.pk, "day": season.reference_date})


def _mark_suspended_seats(season: Season) -> None:
    """R366-SCOPE-6: a committee member suspended from the committee's activity at the reference
    date reviews at their cell their responsibility before the suspension, not in the committee's
    collective (Facts and the positions leave the seat out); the flag says so on their record."""
    day = season.reference_date
    seats = (
        CommitteeSeat.objects.filter(starts_on__lte=day, suspended_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .select_related("organization")
        .order_by("suspended_on")
    )
    by_member = {
        seat.member_id: {"organization": seat.organization.name, "since": seat.suspended_on.isoformat()}
        for seat in seats
    }
    subjects = list(Subject.objects.filter(season=season, kind=Subject.Kind.MEMBER, member_id__in=by_member))
    for subject in subjects:
        subject.flags = {**subject.flags, "committee_suspended": by_member[subject.member_id]}
    Subject.objects.bulk_update(subjects, ["flags"], batch_size=2000)


def _mark_small_leadership(season: Season) -> None:
    """R366-SCOPE-5: a leadership collective of fewer than `small_leadership_below` seated members
    (3 under QĐ 366; not set under QĐ 124) is reviewed with its unit's committee, not on its own.
    Only where its seats are recorded: a committee with no seat on record is left as it is."""
    below = season.rule_set.switches.get("small_leadership_below")
    if not below:
        return
    day = season.reference_date
    seated = (
        CommitteeSeat.objects.filter(starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .values("organization_id")
        .annotate(n=Count("member_id", distinct=True))
        .filter(n__lt=below)
        .values("organization_id")
    )
    Subject.objects.filter(
        season=season, kind=Subject.Kind.LEADERSHIP, out_of_scope="", unit__organization_id__in=seated
    ).update(out_of_scope=Subject.OutOfScope.SMALL_LEADERSHIP, state=Subject.State.EXCLUDED)


def _mark_concurrent_posts(season: Season) -> None:
    """R366-SCOPE-4: a member with concurrent posts at the reference date is reviewed at their cell,
    in the collective of each own post, in that of the concurrent full-time post marked as the main
    place (more working time), not in those of the others, and also in that of a part-time concurrent
    post, on its tasks. The flag lists the collectives on the member's record."""
    day = season.reference_date
    seats = (
        CommitteeSeat.objects.filter(starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .exclude(concurrent="")
        .select_related("organization")
        .order_by("member_id", "organization__path")
    )
    by_member: dict[int, list[dict]] = {}
    for seat in seats:
        by_member.setdefault(seat.member_id, []).append(
            {
                "organization": seat.organization.name,
                "concurrent": seat.concurrent,
                "reviewed_there": seat.concurrent == CommitteeSeat.Concurrent.PART_TIME or seat.main_place,
            }
        )
    subjects = list(Subject.objects.filter(season=season, kind=Subject.Kind.MEMBER, member_id__in=by_member))
    for subject in subjects:
        subject.flags = {**subject.flags, "concurrent_posts": by_member[subject.member_id]}
    Subject.objects.bulk_update(subjects, ["flags"], batch_size=2000)


def _create_quota_groups(season: Season) -> None:
    keys = (
        Subject.objects.filter(season=season, out_of_scope="")
        .exclude(quota_key="")
        .values_list("quota_key", "decider_id")
        .distinct()
    )
    names = dict(SeasonUnit.objects.filter(season=season).values_list("id", "name"))
    QuotaGroup.objects.bulk_create(
        [
            QuotaGroup(
                season=season, key=key, decider_id=decider_id, label=_quota_label(key, names[decider_id])
            )
            for key, decider_id in keys
        ]
    )


_QUOTA_LABELS = {"lead": "đảng viên là cán bộ lãnh đạo, quản lý", "other": "đảng viên khác"}
# Season data (stored with the season), so in the language of the documents.
_KIND_NAMES = {
    "cell": "chi bộ",
    "base_cell": "chi bộ cơ sở",
    "partial_committee": "đảng bộ bộ phận",
    "base_committee": "đảng bộ cơ sở",
    "direct_committee": "đảng bộ trực thuộc",
    "provincial_committee": "đảng bộ tỉnh",
}


def _quota_label(key: str, decider_name: str) -> str:
    prefix, _decider, *rest = key.split(":")
    if prefix == "m":
        what = _QUOTA_LABELS.get(rest[0], "đảng viên") if rest else "đảng viên"
    elif prefix == "l":
        what = f"tập thể lãnh đạo của {_KIND_NAMES.get(rest[0], rest[0])}"
    else:
        what = _KIND_NAMES.get(rest[0], rest[0])
    return f"{decider_name}: {what}"


def open_season(
    *,
    top_organization: Organization,
    year: int,
    reference_date: datetime.date,
    rule_set: RuleSet | None = None,
    deadlines: dict | None = None,
    criteria: dict | None = None,
    actor=None,
) -> Season:
    """Open the season of `year` under `rule_set` (by default the one for that year, R-SET-1 /
    R366-SET-1), with the province's concrete criteria when the rule set scores points
    (R366-SET-2; checked here, frozen with the season)."""
    existing = Season.objects.filter(top_organization=top_organization, year=year).first()
    if existing:
        return existing
    rule_set = rule_set or rule_set_for_year(year)
    criteria = criteria or {}
    if criteria and rule_set.scoring:
        problems = criteria_problems(rule_set.scoring, criteria)
        if problems:
            raise ValidationError(problems)
    with transaction.atomic():
        season = Season.objects.create(
            year=year,
            top_organization=top_organization,
            rule_set=rule_set,
            reference_date=reference_date,
            deadlines={
                k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in (deadlines or {}).items()
            },
            criteria=criteria if rule_set.scoring else {},
            opened_by=actor,
        )
        if rule_set.frozen_at is None:
            RuleSet.objects.filter(pk=rule_set.pk).update(frozen_at=timezone.now())  # R-SET-1
        analyze(Organization, Member, CellPeriod, StatusPeriod, CommitteeSeat)
        with kept_figures.counted_once(season):
            units = _snapshot_units(season)
            analyze(SeasonUnit)
            _collective_subjects(season, units)
            analyze(Subject)
            _member_subjects(season)
            analyze(Subject)
            _mark_transfers(season)
            _mark_positions(season)
            with connection.cursor() as cursor:
                kept_figures.mark_committee_reach(cursor, season.pk, season.reference_date)
            _mark_suspended_seats(season)
            _mark_concurrent_posts(season)
            _mark_small_leadership(season)
        analyze(Subject)
        _create_quota_groups(season)
        AuditChain.objects.create(season=season)
        totals = Subject.objects.filter(season=season).aggregate(
            subjects=Count("id"), not_reviewed=Count("id", filter=~Q(out_of_scope=""))
        )
        append_event(
            season=season,
            subject=None,
            actor=actor,
            action="open_season",
            data={"units": len(units), "reference_date": reference_date.isoformat(), **totals},
        )
    return season
