"""Redo demands (R-SUP-1) counted open and done per organization, for the blockers board and the
dashboard."""

from reviews.models import RedoDemand


def redo_counts(season, unit, child_units) -> dict[int, tuple[int, int]]:
    """child unit id → (open, done) for the demands on subjects under each child; one query.
    A demand is done once the subject's meeting entry was recorded after it."""
    paths = sorted(((u.path, u.pk) for u in child_units), key=lambda p: -len(p[0]))
    counts: dict[int, list[int]] = {}
    rows = RedoDemand.objects.filter(subject__season=season, subject__path__startswith=unit.path).values_list(
        "subject__path", "required_at", "subject__meeting_entry__recorded_at"
    )
    for path, required_at, recorded_at in rows:
        child = next((pk for p, pk in paths if path.startswith(p)), None)
        if child is None:
            continue
        done = recorded_at is not None and recorded_at > required_at
        counts.setdefault(child, [0, 0])[1 if done else 0] += 1
    return {pk: (c[0], c[1]) for pk, c in counts.items()}


def redo_table(season, unit, child_units) -> dict:
    """For the dashboard: the children with a redo demand (R-SUP-1), in the tree's order, each
    (unit, open, done), and the totals; the same one query as redo_counts."""
    counts = redo_counts(season, unit, child_units)
    rows = [(u, *counts[u.pk]) for u in child_units if u.pk in counts]
    return {
        "rows": rows,
        "open": sum(r[1] for r in rows),
        "done": sum(r[2] for r in rows),
    }
