"""The QĐ 366 standing of a subject, read from its record (points at the latest step, task list,
ticks, KHTNV cases found in the record), and what is kept of its outcome on the subject."""

from contextlib import contextmanager
from contextvars import ContextVar

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from members.models import DisciplineRecord
from reviews.facts import Facts
from reviews.models import Subject
from reviews.regimes.qd366.levels import LEADERS, Outcome, Standing, outcome, profile_cases, unmet
from reviews.scoring import Tasks, criteria_items, points_text, totals


def step_points(subject: Subject) -> tuple[str, dict]:
    """The latest step with points: ("decided" | "proposed" | "self", item → points)."""
    scores = subject.scores or {}
    for step in ("decided", "proposed", "self"):
        if scores.get(step):
            return step, scores[step]
    return "self", {}


def found_cases(subject: Subject, facts: Facts, tasks: Tasks) -> set[str]:
    """KHTNV cases the record shows without anyone ticking them: a unit under 70 % of its tasks
    (R366-RATE-4, R366-RATE-5), more than half the units a leader leads decided KHTNV (R366-RATE-5),
    more than half the tasks not done (R366-RATE-6), discipline decided in the year (R366-RATE-5,
    R366-RATE-6, weighed now whatever the violation's year: R366-RATE-7). A ticked case adds to
    these; the deciding level weighs any of them case by case, with a reason (waived)."""
    found = set()
    for case in profile_cases(facts.rules.scoring, subject.profile):
        rule = case.get("auto")
        if rule == "done_below" and tasks.total and tasks.percent(tasks.done) < case["percent"]:
            found.add(case["code"])
        if rule == "not_done_over" and tasks.total and tasks.percent(tasks.not_done) > case["percent"]:
            found.add(case["code"])
        if rule == "discipline" and _disciplined_in_year(subject, facts):
            found.add(case["code"])
        if rule == "units_led_over":
            lowest, led, _undecided = units_led_rated(subject, facts)
            if led and lowest * 100 > case["percent"] * led:
                found.add(case["code"])
    return found


def units_led_rated(subject: Subject, facts: Facts) -> tuple[int, int, int]:
    """R366-RATE-5: (decided at the lowest level, units led, not decided yet) over the party
    organizations directly under those whose committee the leader heads (Facts.units_led_levels)."""
    if subject.profile not in LEADERS:
        return 0, 0, 0
    levels = facts.units_led_levels.get(subject.member_id, [])
    lowest = facts.rules.level_codes()[-1]
    return sum(level == lowest for level in levels), len(levels), sum(not level for level in levels)


def units_led_note(subject: Subject, facts: Facts) -> str:
    """R366-RATE-5: what the appraisal and the decision show of the units a leader leads ("" for
    a subject who leads none)."""
    lowest, led, undecided = units_led_rated(subject, facts)
    if not led:
        return ""
    note = ngettext(
        "%(lowest)d of the %(led)d unit led is rated %(level)s",
        "%(lowest)d of the %(led)d units led are rated %(level)s",
        led,
    ) % {"lowest": lowest, "led": led, "level": facts.rules.level_codes()[-1]}
    if undecided:
        note += ngettext(" (%(n)d not decided yet)", " (%(n)d not decided yet)", undecided) % {"n": undecided}
    return note + "."


def _disciplined_in_year(subject: Subject, facts: Facts) -> bool:
    """R366-RATE-7: discipline decided in the rating year counts in this year's rating, whatever
    year the violation was committed (the earlier year is not reopened). R366-RATE-4..6: only for a
    violation of the duties assigned; discipline alone no longer makes a KHTNV case."""
    return any(
        record.decided_on.year == facts.season.year and record.duty_related
        for record in facts.disciplines.get(subject.member_id, [])
        if isinstance(record, DisciplineRecord)
    )


def remedied_on_record(subject: Subject, facts: Facts) -> bool:
    """R366-RATE-2: the shortcomings named at the last review are remedied — the share of last
    season's remediation items done reaches `conditions.remedied_percent` (100 by default); none
    named counts as remedied."""
    total, done = facts.previous_remediation.get(subject.pk, (0, 0))
    return done * 100 >= facts.rules.scoring["conditions"].get("remedied_percent", 100) * total


# Standings computed within one verdict (standings_kept), by subject: none outside one.
_KEPT: ContextVar[dict | None] = ContextVar("qd366_standings", default=None)


@contextmanager
def standings_kept():
    """Within: each subject's standing is computed once. One verdict asks for it in the gap note
    and again in the level check, and nothing changes the subject between them (the queue's fifty
    rows computed every standing twice)."""
    token = _KEPT.set({})
    try:
        yield
    finally:
        _KEPT.reset(token)


def standing_of(subject: Subject, facts: Facts) -> Standing:
    kept = _KEPT.get()
    if kept is None:
        return _standing(subject, facts)
    key = (id(subject), id(facts))
    if key not in kept:
        kept[key] = _standing(subject, facts)
    return kept[key]


def _standing(subject: Subject, facts: Facts) -> Standing:
    scoring = facts.rules.scoring
    step, points = step_points(subject)
    items = criteria_items(scoring, facts.season.criteria, subject.profile)
    scores = subject.scores or {}
    tasks = Tasks.from_dict(scores.get("tasks"))
    ticks = scores.get("ticks") or {}
    ticked = set((scores.get("cases") or {}).keys())
    waived = set((scores.get("waived") or {}).keys())
    clean = not facts.collective_disciplines.get(subject.unit_id) if subject.is_collective else True
    return Standing(
        profile=subject.profile,
        points=totals(items, points).total,
        tasks=tasks,
        remedied=bool(ticks.get("remedied", remedied_on_record(subject, facts))),
        clean=clean,
        units_led=bool(ticks.get("units_led", False)),
        cases=tuple(sorted((ticked | found_cases(subject, facts, tasks)) - waived)),
    )


def subject_outcome(subject: Subject, facts: Facts) -> Outcome:
    return outcome(standing_of(subject, facts), facts.rules.scoring, facts.rules.level_codes())


def record_outcome(subject: Subject, facts: Facts) -> None:
    """Keep on the subject, with each step, which conditions hold it below the band of its points
    and whether it falls in the R366-RATE-3 gap, so the dashboard counts them without recomputing
    (saved by the step that calls this)."""
    rules = facts.rules
    standing = standing_of(subject, facts)
    result = outcome(standing, rules.scoring, rules.level_codes())
    blocked = []
    if result.band is not None and result.level != result.band and not result.cases:
        blocked = [
            code
            for code, _why in unmet(result.band, standing, rules.scoring["conditions"], rules.level_codes())
        ]
    subject.scores = {**(subject.scores or {}), "blocked_by": blocked, "gap": result.gap}


def gap_note(subject: Subject, facts: Facts) -> str:
    """R366-RATE-3: the points reach a level but no level's conditions hold."""
    standing = standing_of(subject, facts)
    codes = facts.rules.level_codes()
    if not outcome(standing, facts.rules.scoring, codes).gap:
        return ""
    return _(
        "%(points)s points, but the conditions of no level are met; the regulation does not say what "
        "follows, so the deciding level chooses %(passing)s or %(lowest)s, with a reason."
    ) % {"points": points_text(standing.points), "passing": codes[-2], "lowest": codes[-1]}
