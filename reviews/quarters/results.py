"""What the year and the dashboards read of the quarters (R366-QTR-3..5): a leader's Q1–Q3 beside
the year (a quarter not run is "not evaluated" and blocks nothing), and a quarter's progress in a
subtree in a constant number of queries."""

from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.translation import gettext as _

from reviews.models import Quarter, QuarterlyEvaluation, Season, Subject
from reviews.quarters.periods import NUMBERS

Q = QuarterlyEvaluation.State


@dataclass(frozen=True)
class QuarterResult:
    number: int
    evaluation: QuarterlyEvaluation | None  # None: the quarter was not run, or not for this person

    @property
    def status(self) -> str:
        """R366-QTR-5: "not evaluated" when the quarter was not run (or the person was not in it)."""
        if self.evaluation is None:
            return str(_("Not evaluated"))
        return str(self.evaluation.get_state_display())

    @property
    def level(self) -> str:
        return self.evaluation.decided_level if self.evaluation and self.evaluation.state == Q.DECIDED else ""


def quarter_results(subject: Subject) -> list[QuarterResult]:
    """R366-QTR-3, R366-QTR-4: Q1–Q3 of the leader, shown beside the year's proposal; no average is
    computed (none was seen in the texts). One query."""
    found = {
        e.quarter.number: e
        for e in QuarterlyEvaluation.objects.filter(subject=subject).select_related("quarter")
    }
    return [QuarterResult(n, found.get(n)) for n in NUMBERS]


@dataclass
class Progress:
    quarter: Quarter
    total: int = 0
    by_state: dict[str, int] = field(default_factory=dict)
    by_level: dict[str, int] = field(default_factory=dict)

    @property
    def not_self_assessed(self) -> int:
        return self.by_state.get(Q.DRAFT, 0) + self.by_state.get(Q.RETURNED, 0)

    @property
    def not_evaluated(self) -> int:
        return self.total - self.by_state.get(Q.DECIDED, 0)


def quarter_progress(season: Season, path_q=None) -> dict[int, Progress | None]:
    """Per quarter number, its progress in the subtree `path_q` (a Q on `path`, e.g. from
    `season_scope(...).q()`), or None for a quarter not run. Two queries whatever the size."""
    quarters = {q.number: q for q in Quarter.objects.filter(season=season)}
    rows = QuarterlyEvaluation.objects.filter(quarter__season=season)
    if path_q is not None:
        rows = rows.filter(path_q)
    result: dict[int, Progress | None] = {
        n: (Progress(quarters[n]) if n in quarters else None) for n in NUMBERS
    }
    by_id = {q.pk: result[q.number] for q in quarters.values()}
    for quarter_id, state, level, n in rows.values_list("quarter_id", "state", "decided_level").annotate(
        n=Count("id")
    ):
        progress = by_id[quarter_id]
        progress.total += n
        progress.by_state[state] = progress.by_state.get(state, 0) + n
        if state == Q.DECIDED:
            progress.by_level[level] = progress.by_level.get(level, 0) + n
    return result


def local_rule_notes(results: list[QuarterResult], setup, lowest: str = "KHTNV") -> list[str]:
    """R366-QTR-4, the optional local rules (off unless the province switched them on): a quarter
    rated KHTNV bars an annual HTXSNV; two consecutive KHTNV quarters flag for reassignment. Notes
    for the year's deciding level, beside the quarters; they change no step of the year."""
    levels = [r.level for r in results]
    notes = []
    if setup.khtnv_quarter_bars_excellent and lowest in levels:
        notes.append(
            _("A quarter was rated %(level)s: under the province's rule the year cannot be rated %(top)s.")
            % {"level": lowest, "top": "HTXSNV"}
        )
    if setup.flag_two_khtnv_quarters and consecutive_lowest(levels, lowest):
        notes.append(
            _("Two quarters in a row rated %(level)s: to be considered for reassignment.") % {"level": lowest}
        )
    return notes


def consecutive_lowest(levels: list[str], lowest: str) -> bool:
    """R366-QTR-4: two quarters in a row (Q1–Q2 or Q2–Q3) at the lowest level."""
    return any(a == b == lowest for a, b in zip(levels, levels[1:], strict=False))


FLAG_LIMIT = 100


def reassignment_flags(season: Season, path_q, setup) -> list[dict] | None:
    """R366-QTR-4 (local rule, off by default): the leaders in the subtree `path_q` with two
    consecutive quarters decided at the lowest level, flagged for reassignment; None (no query)
    when the switch is off. One query over the lowest-level decisions only."""
    if not setup.flag_two_khtnv_quarters:
        return None
    lowest = season.rule_set.level_codes()[-1]
    rows = QuarterlyEvaluation.objects.filter(quarter__season=season, state=Q.DECIDED, decided_level=lowest)
    if path_q is not None:
        rows = rows.filter(path_q)
    numbers: dict[int, dict] = {}
    for subject_id, name, unit, number, pk in rows.order_by("subject_id", "quarter__number").values_list(
        "subject_id", "subject__name", "subject__unit__name", "quarter__number", "pk"
    ):
        found = numbers.setdefault(subject_id, {"name": name, "unit": unit, "numbers": [], "evaluation": pk})
        found["numbers"].append(number)
        found["evaluation"] = pk
    flagged = []
    for found in numbers.values():
        levels = [lowest if n in found["numbers"] else "" for n in NUMBERS]
        if consecutive_lowest(levels, lowest):
            flagged.append(found)
    return flagged[:FLAG_LIMIT]


def year_panel(subject: Subject) -> dict | None:
    """R366-QTR-4: what the year's form and the deciding level's page show of Q1–Q3 (None for a
    subject not evaluated quarterly): the quarters and the local rules' notes. R366-QTR-1: those
    evaluated are the profiles the season chose (LĐ and LĐ-TW by default) — and anyone with a
    quarter recorded, whatever their profile now (a leader moved to another post keeps the quarters
    the year's checks read). A subject with no profile of a member (a collective, a season without
    points, so without quarters) is answered without a query."""
    if not subject.is_member or not subject.profile:
        return None
    from reviews.quarters.setup import setup_as_read

    setup = setup_as_read(subject.season)
    quarterly = subject.profile in setup.profiles
    if not quarterly and getattr(subject, "quarters_recorded", None) is False:
        return None  # read with the subject (reviews.views.common.QUARTERS_RECORDED): none recorded
    results = quarter_results(subject)
    if not quarterly and not any(r.evaluation for r in results):
        return None
    codes = subject.season.rule_set.level_codes()
    # R366-QTR-4: two consecutive quarters at the lowest level flag the leader for reassignment.
    flag = setup.flag_two_khtnv_quarters and consecutive_lowest([r.level for r in results], codes[-1])
    return {"results": results, "notes": local_rule_notes(results, setup, codes[-1]), "flag": flag}
