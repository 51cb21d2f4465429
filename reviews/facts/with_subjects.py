"""Facts a page reads with its subjects: annotations of the page's one query for the subjects, so
that the Facts built on them runs no query of its own for these families.

A page that reads its subjects with `.annotate(**facts_annotations(season))` and builds its Facts with
`loaded=ANNOTATED` saves the reads of the suggestions' summary, the open checks, the affiliated
collectives not yet reviewed, where the outside comments come from, last season's remediation,
the year's leave and the committee seats. The values are the Facts' own reads' (tests/reviews/test_shared_reads.py compares them).
"""

import datetime
import threading
from functools import lru_cache
from typing import NamedTuple

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    JSONField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, JSONObject
from django.utils.dateparse import parse_datetime

from members.models import CommitteeSeat, LeaveRecord, seat_active_on
from organizations.models import AffiliatedCollective
from reviews.facts.sql import CompiledOnce, JSONList, JSONRow
from reviews.models import (
    AffiliateReview,
    CheckFlag,
    FormerCellComment,
    RemediationItem,
    Season,
    Subject,
    Suggestion,
)

ANNOTATED = ("remediation", "leave", "suggestions", "checks", "affiliates", "outside", "seats", "waiting")
LEAVE_KINDS = {LeaveRecord.Kind.SICK: "leave_sick_days", LeaveRecord.Kind.MATERNITY: "leave_maternity_days"}


def _count(items: QuerySet) -> Coalesce:
    """The number of `items` (0 when none), as a subquery of the subjects' query."""
    counted = items.order_by().values("plan__subject__season_id").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _listed(rows: QuerySet, key: str, value) -> Subquery:
    """The `value` of each of `rows` as one JSON list (None when there are none), as a subquery."""
    listed = rows.order_by().values(key).annotate(listed=JSONList(value)).values("listed")
    return Subquery(listed, output_field=JSONField())


def _remediation(season: Season, **extra) -> Case:
    """How many items of last season's remediation plan (with `extra`: how many of those) the
    subject's member, or its organization's collective of the same kind, had (R366-RATE-2), as one
    annotation. A member subject is matched by its member, a collective by its organization and
    kind."""
    earlier = RemediationItem.objects.filter(
        plan__subject__season__top_organization_id=season.top_organization_id,
        plan__subject__season__year=season.year - 1,
        **extra,
    )
    of_member = earlier.filter(plan__subject__member_id=OuterRef("member_id"))
    of_collective = earlier.filter(
        plan__subject__member__isnull=True,
        plan__subject__unit__organization_id=OuterRef("unit__organization_id"),
        plan__subject__kind=OuterRef("kind"),
    )
    return Case(
        When(member_id__isnull=False, then=_count(of_member)),
        default=_count(of_collective),
        output_field=IntegerField(),
    )


class Named(NamedTuple):
    pk: int
    name: str


NAMED = JSONRow(pk="id", name="name")


def waiting_children_rows(season: Season, parents: list[int] | None = None) -> QuerySet:
    """The organization and leadership subjects in scope and not yet decided of the units directly
    under `parents` (under the outer query's subject's unit when None), with their parent unit."""
    rows = Subject.objects.filter(season=season, out_of_scope="").exclude(kind=Subject.Kind.MEMBER)
    rows = rows.exclude(state=Subject.State.DECIDED)
    if parents is None:
        return rows.filter(unit__parent_id=OuterRef("unit_id"))
    return rows.filter(unit__parent_id__in=parents)


def waiting_children_read(subjects) -> dict[int, list[Named]]:
    """unit id → its waiting children (waiting_children_rows) from `waiting_child_list`, by name."""
    return {
        s.unit_id: sorted(
            (Named(c["pk"], c["name"]) for c in s.waiting_child_list), key=lambda c: (c.name, c.pk)
        )
        for s in subjects
        if s.waiting_child_list
    }


def seat_window(season: Season) -> tuple[Q, dict]:
    """The committee seats the Facts look at in `season` (held at some time between the start of
    the year, or the reference date if earlier, and its end, or the reference date if later), and
    what is said of each: active at the reference date, held in the season year."""
    day = season.reference_date
    year_start, year_end = datetime.date(season.year, 1, 1), datetime.date(season.year, 12, 31)
    first, last = min(day, year_start), max(day, year_end)
    window = Q(starts_on__lte=last) & ~Q(ends_on__lt=first)
    in_year = Q(starts_on__lte=year_end) & (Q(ends_on__isnull=True) | Q(ends_on__gte=year_start))
    said = {
        "active": ExpressionWrapper(seat_active_on(day), output_field=BooleanField()),
        "in_year": ExpressionWrapper(in_year, output_field=BooleanField()),
    }
    return window, said


def _seats(season: Season) -> Case:
    """The seats of the window (seat_window) a member subject's member holds, or that are on a
    collective subject's committee, as one JSON list (None when there are none)."""
    window, said = seat_window(season)
    seats = CommitteeSeat.objects.filter(window)
    row = JSONRow(
        id="id", member_id="member_id", organization_id="organization_id", position="position", **said
    )
    return Case(
        When(
            member_id__isnull=False,
            then=_listed(seats.filter(member_id=OuterRef("member_id")), "member_id", row),
        ),
        default=_listed(
            seats.filter(organization_id=OuterRef("unit__organization_id")), "organization_id", row
        ),
        output_field=JSONField(),
    )


def facts_annotations(season: Season) -> dict:
    """Annotations of a subjects' query, one each: the suggestions' summary, the open checks, the
    affiliated collectives not yet reviewed, where the outside comments come from, last season's
    remediation counts, the year's leave days and the committee seats (see ANNOTATED and
    `read_with_subjects`). Built once per process for the season's values: building them took ≈ 3 ms
    of each page that reads them (a query resolves copies of them, never the expressions kept)."""
    key = (season.pk, season.year, season.reference_date, season.top_organization_id)
    return dict(_built_annotations(*key))


_resolved = threading.local()


def subjects_with_facts(season: Season) -> QuerySet:
    """`Subject.objects.annotate(**facts_annotations(season))`, with the annotations resolved once
    per season and thread (≈ 2.4 ms of each page that reads them). Filtering it clones the query
    and shares the resolved expressions, which compiling a query reads but may also touch: hence
    one per thread, never shared between two requests running at once."""
    key = (season.pk, season.year, season.reference_date, season.top_organization_id)
    kept = getattr(_resolved, "querysets", None)
    if kept is None or len(kept) > 16:
        kept = _resolved.querysets = {}
    if key not in kept:
        annotations = facts_annotations(season)
        kept[key] = Subject.objects.annotate(**{name: CompiledOnce(e) for name, e in annotations.items()})
    return kept[key].all()


@lru_cache(maxsize=64)
def _built_annotations(pk: int, year: int, reference_date: datetime.date, top_organization_id: int) -> tuple:
    season = Season(pk=pk, year=year, reference_date=reference_date, top_organization_id=top_organization_id)
    return tuple(_annotations(season).items())


def _annotations(season: Season) -> dict:
    leave = {
        name: Coalesce(
            Subquery(
                LeaveRecord.objects.filter(
                    member_id=OuterRef("member_id"), year=season.year, kind=kind
                ).values("days")[:1]
            ),
            Value(0),
        )
        for kind, name in LEAVE_KINDS.items()
    }
    open_checks = CheckFlag.objects.filter(subject_id=OuterRef("pk"), closed_at__isnull=True)
    reviewed = AffiliateReview.objects.filter(season=season, affiliate=OuterRef("pk"))
    pending = AffiliatedCollective.objects.filter(
        ~Exists(reviewed), organization_id=OuterRef("unit__organization_id")
    )
    suggestions = Suggestion.objects.filter(subject_id=OuterRef("pk")).order_by().values("subject_id")
    summary = JSONObject(
        issued=Count("pk"),
        unanswered=Count("pk", filter=Q(answer__regex=r"^\s*$")),  # blank or white space: no answer
        meeting_days=Max("meeting_min_days"),
    )
    return {
        # R-FORM-4 / R366-SCOPE-8: the suggestions issued, not yet answered, and the longest meeting
        # one asks for (None when there are none).
        "suggestion_summary": Subquery(
            suggestions.annotate(summary=summary).values("summary"), output_field=JSONField()
        ),
        # R366-ORDER-4: the open checks, as the refusal names them (None when there are none).
        "open_check_list": _listed(
            open_checks,
            "subject_id",
            JSONRow(id="id", kind="kind", reason="reason", opened_at="opened_at"),
        ),
        # R-ORDER-4: the names of the unit's collectives not yet marked reviewed (None when none).
        "pending_affiliate_names": Case(
            When(member_id__isnull=True, then=_listed(pending, "organization_id", F("name"))),
            default=None,
            output_field=JSONField(),
        ),
        # R-SCOPE-4 / R366-REC-1: where the written comments the subject holds come from.
        "outside_comment_sources": _listed(
            FormerCellComment.objects.filter(subject_id=OuterRef("pk")), "subject_id", F("source")
        ),
        # R366-ORDER-3: a collective's direct subordinates not yet rated (None when none, or a member).
        "waiting_child_list": Case(
            When(
                member_id__isnull=True, then=_listed(waiting_children_rows(season), "unit__parent_id", NAMED)
            ),
            default=None,
            output_field=JSONField(),
        ),
        # R366-SCOPE-4/6, R-RATE-5: the committee seats of the members and on the collectives' committees.
        "seat_list": _seats(season),
        "remediation_items": _remediation(season),
        "remediation_done": _remediation(season, status=RemediationItem.Status.DONE),
        **leave,
    }


def read_with_subjects(subjects, name: str) -> bool:
    """Whether every subject carries the annotations of `facts_annotations`."""
    field = {
        "remediation": "remediation_items",
        "leave": "leave_sick_days",
        "suggestions": "suggestion_summary",
        "checks": "open_check_list",
        "affiliates": "pending_affiliate_names",
        "outside": "outside_comment_sources",
        "seats": "seat_list",
        "waiting": "waiting_child_list",
    }[name]
    if name == "affiliates":  # keyed by the collectives' organizations: their units read with them
        return all(hasattr(s, field) and Subject.unit.field.is_cached(s) for s in subjects)
    return all(hasattr(s, field) for s in subjects)


def open_checks_read(subjects) -> dict[int, list[CheckFlag]]:
    """subject id → its open checks from `open_check_list`, in the order they were opened (with
    what the refusal names: kind and reason)."""
    return {
        s.pk: [
            CheckFlag(subject_id=s.pk, **check)
            for check in sorted(s.open_check_list, key=lambda c: (parse_datetime(c["opened_at"]), c["id"]))
        ]
        for s in subjects
        if s.open_check_list
    }


def pending_affiliates_read(subjects) -> dict[int, list[str]]:
    """organization id → names of its collectives not yet marked reviewed, from
    `pending_affiliate_names` of the collective subjects."""
    return {
        s.unit.organization_id: sorted(s.pending_affiliate_names)
        for s in subjects
        if s.is_collective and s.pending_affiliate_names
    }


def seat_rows_read(subjects) -> list[tuple[int, int, int, bool, bool]]:
    """The rows of MemberFacts._seat_rows from `seat_list`: each seat once (a member's seat on a
    collective's committee, both among the subjects, is listed twice)."""
    rows = {}
    for subject in subjects:
        for seat in subject.seat_list or ():
            rows[seat["id"]] = (
                seat["member_id"],
                seat["organization_id"],
                seat["position"],
                bool(seat["active"]),  # SQLite's json_object says 1 and 0
                bool(seat["in_year"]),
            )
    return list(rows.values())


def suggestions_issued(subjects) -> tuple[int, int | None]:
    """(suggestions issued to `subjects`, the longest meeting one of them asks for) from
    `suggestion_summary`."""
    summaries = [s.suggestion_summary for s in subjects if s.suggestion_summary]
    days = [d for summary in summaries if (d := summary["meeting_days"]) is not None]
    return sum(summary["issued"] for summary in summaries), max(days, default=None)
