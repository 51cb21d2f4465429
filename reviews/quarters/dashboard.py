"""The season's quarters on a unit's dashboard (issue 14; R366-QTR-3, R366-QTR-5): per quarter
of Q1–Q3, how many leaders of the unit's subtree have not self-assessed, how many are not yet
evaluated, and the decided levels. One query whatever the size: the quarters LEFT JOINed to the
unit's kept figures (reviews.models.QuarterFigure: a row per state and level, kept by triggers,
reviews/quarters/kept.py); no evaluation row is read."""

from dataclasses import dataclass

from django.db.models import FilteredRelation, Q

from reviews.models import Quarter, QuarterlyEvaluation, Season, SeasonUnit
from reviews.quarters.periods import NUMBERS
from reviews.quarters.results import Progress
from reviews.regimes import regime_of

E = QuarterlyEvaluation.State


@dataclass(frozen=True)
class QuarterRow:
    number: int
    progress: Progress | None  # None: the quarter was not run, "not evaluated" (R366-QTR-5)
    levels: list[tuple[str, int]]  # the season's levels in order, with the decided count


def dashboard_quarters(season: Season, unit: SeasonUnit) -> list[QuarterRow] | None:
    """Q1–Q3 of `season` in the subtree of `unit`; None (no query) for a season whose rules have
    no quarters (R366-QTR-1: quarterly evaluation is new with QĐ 366). One query."""
    if not regime_of(season.rule_set).uses_points:
        return None
    found: dict[int, Progress] = {}
    rows = (
        Quarter.objects.filter(season=season)
        .annotate(part=FilteredRelation("figures", condition=Q(figures__unit_id=unit.pk)))
        .values_list(
            "pk", "number", "starts_on", "ends_on", "deadline", "part__state", "part__level", "part__n"
        )
        .order_by()
    )
    for pk, number, starts_on, ends_on, deadline, state, level, n in rows:
        progress = found.get(number)
        if progress is None:
            quarter = Quarter(
                pk=pk, season=season, number=number, starts_on=starts_on, ends_on=ends_on, deadline=deadline
            )
            progress = found[number] = Progress(quarter)
        if not n:
            continue
        progress.total += n
        progress.by_state[state] = progress.by_state.get(state, 0) + n
        if state == E.DECIDED:
            progress.by_level[level] = progress.by_level.get(level, 0) + n
    codes = season.rule_set.level_codes()
    result = []
    for number in NUMBERS:
        progress = found.get(number)
        levels = []
        if progress is not None:
            levels = [(code, progress.by_level.get(code, 0)) for code in codes]
            levels += [(code, n) for code, n in progress.by_level.items() if code not in codes]
        result.append(QuarterRow(number, progress, levels))
    return result
