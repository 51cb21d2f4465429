"""The points part of a season dashboard under QĐ 366 (R366-SCORE-1, R366-RATE-2): how the decided
members spread over the bands of points and the levels, the average per subordinate organization,
and how many subjects each condition holds below the band of their points, from the unit's kept
rows (reviews.figures.kept_rows): no query of its own."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reviews import figures as statistics
from reviews.models import Season, SeasonUnit
from reviews.regimes import regime_of
from reviews.regimes.qd366.levels import CONDITIONS

CONDITION_LABELS = {
    "tasks": gettext_lazy("No task of the year listed"),
    "on_time": gettext_lazy("Not every task done on time"),
    "exceeded": gettext_lazy("Too few tasks exceeded"),
    "remedied": gettext_lazy("Earlier shortcomings not all remedied"),
    "clean": gettext_lazy("Discipline in the unit or its leadership"),
    "units_led": gettext_lazy("Fields and units led short of their tasks"),
    "not_done": gettext_lazy("Tasks not done"),
    "late": gettext_lazy("Too many tasks late"),
    "gap": gettext_lazy("The conditions of no level met (the deciding level chooses)"),
}


def _bin_label(lower: int, upper: int) -> str:
    if lower == 0:
        return _("below %(upper)d") % {"upper": upper}
    if upper == 100:
        return _("%(lower)d to 100") % {"lower": lower}
    return _("%(lower)d to under %(upper)d") % {"lower": lower, "upper": upper}


def points_figures(season: Season, unit: SeasonUnit, kept: list[statistics.Row]) -> dict | None:
    """None for a season rated without points."""
    if not regime_of(season.rule_set).uses_points:
        return None
    codes = season.rule_set.level_codes()
    histogram = statistics.points_histogram(season, unit, kept)
    total = sum(histogram.values())
    rows = []
    for lower, upper in statistics.POINT_BINS:
        counts = [histogram.get((lower, code), 0) for code in codes]
        rows.append({"label": _bin_label(lower, upper), "counts": counts, "total": sum(counts)})
    blocked = statistics.blocked_by_condition(season, unit, CONDITIONS, kept)
    return {
        "codes": codes,
        "rows": rows,
        "total": total,
        "conditions": [
            {"code": code, "label": CONDITION_LABELS[code], "count": blocked.get(code, 0)}
            for code in (*CONDITIONS, "gap")
        ],
    }


def histogram_rows(points: dict) -> list[tuple[str, list[tuple[str, int, float]]]]:
    """The rows of the histogram chart (reviews.views.dashboard_charts.bar_chart)."""
    total = points["total"]
    return [
        (row["label"], [("", row["total"], round(100 * row["total"] / total, 1) if total else 0.0)])
        for row in points["rows"]
    ]
