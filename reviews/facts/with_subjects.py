"""Facts a page reads with its subjects: annotations of the page's one query for the subjects, so
that the Facts built on them runs no query of its own for these families.

A page that reads its subjects with `.annotate(**history_annotations(season))` and builds its Facts with
`loaded=HISTORY` saves the reads of last season's remediation and of the year's leave. The values
are the same as the Facts' own reads (tests/reviews/test_shared_reads.py compares them).
"""

from django.db.models import Case, Count, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from members.models import LeaveRecord
from reviews.models import RemediationItem, Season

HISTORY = ("remediation", "leave")
LEAVE_KINDS = {LeaveRecord.Kind.SICK: "leave_sick_days", LeaveRecord.Kind.MATERNITY: "leave_maternity_days"}


def _count(items: QuerySet) -> Coalesce:
    """The number of `items` (0 when none), as a subquery of the subjects' query."""
    counted = items.order_by().values("plan__subject__season_id").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _remediation(season: Season, **extra) -> Case:
    """(items, items done) of last season's remediation plan of the same member, or of the same
    organization's collective of the same kind (R366-RATE-2), as two annotations. A member subject is
    matched by its member, a collective by its organization and kind."""
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


def history_annotations(season: Season) -> dict:
    """Annotations of a subjects' query: last season's remediation counts and the year's leave
    days of each subject."""
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
    return {
        "remediation_items": _remediation(season),
        "remediation_done": _remediation(season, status=RemediationItem.Status.DONE),
        **leave,
    }


def read_with_subjects(subjects, name: str) -> bool:
    """Whether every subject carries the annotations of `history_annotations`."""
    field = {"remediation": "remediation_items", "leave": "leave_sick_days"}[name]
    return all(hasattr(s, field) for s in subjects)
