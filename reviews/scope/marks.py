"""Marks set on the subjects once they exist: transfers needing the former cell's comments,
committee positions, suspended and concurrent seats, leadership collectives too small to meet."""

import datetime

from django.db import connection
from django.db.models import Count, Q

from members.models import CellPeriod, CommitteeSeat
from reviews.models import Season, Subject


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
