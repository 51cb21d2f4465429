"""Redo demands (R-SUP-1) counted open and done per organization, for the blockers board and the
dashboard: two correlated counts on the query that reads the organizations
(figures_children.by_child), so neither page reads anything more for them."""

from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from reviews.models import MeetingEntry, RedoDemand

# A demand is done once the subject was reviewed at a meeting entry recorded after it (an absence
# recorded does not do it; RedoDemand.done says the same). The entry's time is read
# for each demand (a scalar subquery, which PostgreSQL never turns into a join): joined, PostgreSQL
# could walk the meeting entries once per organization counted when it guesses the demands to be
# more (a table without statistics), 54 ms at a province's 488 children (bench/README.md,
# "2026-12-08, evening"); there are only ever a few demands.
ENTRY_AT = Subquery(
    MeetingEntry.objects.filter(subject_id=OuterRef("subject_id"), reviewed=True).values("recorded_at")[:1]
)
DONE = Q(entry_at__gt=F("required_at"))
OPEN = Q(entry_at__isnull=True) | Q(entry_at__lte=F("required_at"))


def _count(demands):
    counted = demands.order_by().values("subject__season_id").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def redo_annotations(season) -> dict:
    """`redo_open` and `redo_done`: the demands on the subjects under each SeasonUnit (by path)."""
    under = RedoDemand.objects.filter(
        subject__season=season, subject__path__startswith=OuterRef("path")
    ).annotate(entry_at=ENTRY_AT)
    return {"redo_open": _count(under.filter(OPEN)), "redo_done": _count(under.filter(DONE))}


def redo_table(children) -> dict:
    """For the dashboard: the children (figures_children.ChildRow) with a redo demand, in their
    order, each (unit, open, done), and the totals. No query."""
    rows = [(child.unit, *child.redo) for child in children if any(child.redo)]
    return {"rows": rows, "open": sum(r[1] for r in rows), "done": sum(r[2] for r in rows)}
