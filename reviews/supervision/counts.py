"""Redo demands (R-SUP-1) counted open and done per organization, for the blockers board and the
dashboard: two correlated counts on the query that reads the organizations
(figures_children.by_child), so neither page reads anything more for them."""

from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from reviews.models import RedoDemand

# A demand is done once the subject's meeting entry was recorded after it.
DONE = Q(subject__meeting_entry__recorded_at__gt=F("required_at"))
OPEN = Q(subject__meeting_entry__isnull=True) | Q(subject__meeting_entry__recorded_at__lte=F("required_at"))


def _count(demands):
    counted = demands.order_by().values("subject__season_id").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def redo_annotations(season) -> dict:
    """`redo_open` and `redo_done`: the demands on the subjects under each SeasonUnit (by path)."""
    under = RedoDemand.objects.filter(subject__season=season, subject__path__startswith=OuterRef("path"))
    return {"redo_open": _count(under.filter(OPEN)), "redo_done": _count(under.filter(DONE))}


def redo_table(children) -> dict:
    """For the dashboard: the children (figures_children.ChildRow) with a redo demand, in their
    order, each (unit, open, done), and the totals. No query."""
    rows = [(child.unit, *child.redo) for child in children if any(child.redo)]
    return {"rows": rows, "open": sum(r[1] for r in rows), "done": sum(r[2] for r in rows)}
