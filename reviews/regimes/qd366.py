"""Regulation 366-QĐ/TW with Guidance 43-HD/BTCTW (rule set "QĐ 366 / HD 43 (2025)", regime
`qd366`): how a level is derived and checked, and in which order subjects are rated.

How a level is decided (R366-RATE-1..3):
1. Points out of 100 — 30 for the general criteria, 70 for the results of the tasks — give a band:
   HTXSNV from 90, HTTNV from 70, HTNV from 50, KHTNV below 50 (the rule set's `scoring.bands`).
2. A KHTNV case (R366-RATE-4 collectives, R366-RATE-5 leaders, R366-RATE-6 other members: the
   rule set's `scoring.profiles[*].cases`, ticked by the appraiser, or found in the record — tasks
   not done, discipline decided in the year, R366-RATE-7) makes the level KHTNV, unless the deciding
   level waives it case by case with a reason.
3. Otherwise the level is the highest one, at or below the band, whose conditions hold
   (R366-RATE-2): HTXSNV — every task on time, at least 30 % exceeded, every shortcoming named at
   the last review remedied, and for a collective no subordinate unit or leadership member
   disciplined, for a leader the fields and units they lead likewise; HTTNV — every task on time;
   HTNV — every task done, at most 20 % late.
4. If no level's conditions hold although the points reach 50 (e.g. 90 % of the tasks done), the
   text is silent (R366-RATE-3): the product says so, and the deciding level chooses, with a
   reason, between HTNV and KHTNV (the conditions of HTTNV and HTXSNV include those of HTNV, so a
   subject who fails HTNV's cannot meet theirs).

Order (R366-ORDER-3): a leadership collective before its members; a party organization after all
its members, its subordinate organizations and its own leadership collective — so a cell is rated
after its members, the reverse of R-ORDER-6.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from members.models import DisciplineRecord
from reviews.facts import REVIEW_DONE, Facts
from reviews.models import Subject
from reviews.regimes.base import Regime
from reviews.regimes.qd124 import threshold_problems
from reviews.rules import (
    affiliate_problems,
    civil_service_problems,
    form_items,
    leave_problems,
    names,
    pledge_problems,
)
from reviews.scoring import Tasks, clean_scores, criteria_items, points_text, task_rows_problems, totals

S = Subject.State
P = Subject.Profile
LEADERS = (P.LEADER, P.CENTRAL_LEADER)


@dataclass(frozen=True)
class Standing:
    """Everything a level depends on, at one step (self-assessed, appraised or decided)."""

    profile: str
    points: Decimal | None
    tasks: Tasks = Tasks()
    remedied: bool = True  # every shortcoming named at the last review remedied, or none named
    clean: bool = True  # a collective: no subordinate unit or leadership member disciplined
    units_led: bool = True  # a leader: the fields and units they lead did every task, ≥ 30 % exceeded
    cases: tuple[str, ...] = ()  # KHTNV cases that hold and are not waived


@dataclass
class Outcome:
    band: str | None
    level: str | None  # None: the points are not all in, or the R366-RATE-3 gap
    unmet: dict[str, list[str]] = field(default_factory=dict)  # level → why its conditions fail
    cases: list[str] = field(default_factory=list)  # labels of the KHTNV cases that hold

    @property
    def gap(self) -> bool:
        return self.band is not None and self.level is None


def band(points: Decimal, bands: dict[str, int], codes: list[str]) -> str:
    """R366-RATE-1: the level whose band the points fall in."""
    for code in codes:
        if points >= Decimal(bands[code]):
            return code
    return codes[-1]


# The conditions of R366-RATE-2, as codes the dashboard counts (Subject.scores["blocked_by"]).
CONDITIONS = ("tasks", "on_time", "exceeded", "remedied", "clean", "units_led", "not_done", "late")


def unmet_conditions(level: str, standing: Standing, conditions: dict, codes: list[str]) -> list[str]:
    """R366-RATE-2: why `level`'s conditions do not hold (empty when they do)."""
    return [text for _code, text in unmet(level, standing, conditions, codes)]


def unmet(level: str, standing: Standing, conditions: dict, codes: list[str]) -> list[tuple[str, str]]:
    """(condition code, why) for each condition of `level` that does not hold."""
    top, good, passing = codes[0], codes[1], codes[2]
    if level not in (top, good, passing):
        return []
    tasks = standing.tasks
    if not tasks.total:
        return [("tasks", _("no task of the year is listed"))]
    found = []
    in_time = tasks.percent(tasks.in_time)
    if level in (top, good) and in_time < conditions["on_time_percent"]:
        found.append(
            (
                "on_time",
                _("%(done)s%% of the tasks done on time, %(needed)s%% needed")
                % {"done": _percent(in_time), "needed": conditions["on_time_percent"]},
            )
        )
    if level == top:
        exceeded = tasks.percent(tasks.exceeded)
        if exceeded < conditions["excellent_exceeded_percent"]:
            found.append(
                (
                    "exceeded",
                    _("only %(done)s%% of the tasks exceeded, at least %(needed)s%% needed")
                    % {"done": _percent(exceeded), "needed": conditions["excellent_exceeded_percent"]},
                )
            )
        if not standing.remedied:
            found.append(("remedied", _("not every shortcoming named at the last review is remedied")))
        if standing.profile == P.COLLECTIVE and not standing.clean:
            found.append(
                ("clean", _("a subordinate unit or a member of the leadership collective was disciplined"))
            )
        if standing.profile in LEADERS and not standing.units_led:
            found.append(
                (
                    "units_led",
                    _("the fields and units led did not all do every task with %(needed)s%% exceeded")
                    % {"needed": conditions["excellent_exceeded_percent"]},
                )
            )
    if level == passing:
        if tasks.not_done:
            found.append(
                (
                    "not_done",
                    ngettext("%(n)d task not done", "%(n)d tasks not done", tasks.not_done)
                    % {"n": tasks.not_done},
                )
            )
        late = tasks.percent(tasks.late)
        if late > conditions["late_max_percent"]:
            found.append(
                (
                    "late",
                    _("%(late)s%% of the tasks late, at most %(allowed)s%% allowed")
                    % {"late": _percent(late), "allowed": conditions["late_max_percent"]},
                )
            )
    return found


def _percent(value: Decimal) -> str:
    return points_text(value.quantize(Decimal(1)))


def outcome(standing: Standing, scoring: dict, codes: list[str]) -> Outcome:
    """R366-RATE-1, R366-RATE-2, R366-RATE-3: the level the points and the conditions give (see
    the module's docstring)."""
    cases = [c["label"] for c in _cases(scoring, standing.profile) if c["code"] in standing.cases]
    if standing.points is None:
        return Outcome(None, codes[-1] if cases else None, {}, cases)
    ceiling = band(standing.points, scoring["bands"], codes)
    unmet = {
        code: unmet_conditions(code, standing, scoring["conditions"], codes)
        for code in codes[codes.index(ceiling) :]
    }
    if cases or ceiling == codes[-1]:
        return Outcome(ceiling, codes[-1], unmet, cases)
    level = next((code for code in codes[codes.index(ceiling) : -1] if not unmet[code]), None)
    return Outcome(ceiling, level, unmet, cases)


def _cases(scoring: dict, profile: str) -> list[dict]:
    return (scoring["profiles"].get(profile) or {}).get("cases", [])


# -- the standing of a subject, from its record -------------------------------------------------------


def step_points(subject: Subject) -> tuple[str, dict]:
    """The latest step with points: ("decided" | "proposed" | "self", item → points)."""
    scores = subject.scores or {}
    for step in ("decided", "proposed", "self"):
        if scores.get(step):
            return step, scores[step]
    return "self", {}


def found_cases(subject: Subject, facts: Facts, tasks: Tasks) -> set[str]:
    """KHTNV cases the record shows without anyone ticking them: a unit under 70 % of its tasks
    (R366-RATE-4, R366-RATE-5), more than half the tasks not done (R366-RATE-6), discipline decided
    in the year (R366-RATE-5, R366-RATE-6, weighed now whatever the violation's year: R366-RATE-7)."""
    found = set()
    for case in _cases(facts.rules.scoring, subject.profile):
        rule = case.get("auto")
        if rule == "done_below" and tasks.total and tasks.percent(tasks.done) < case["percent"]:
            found.add(case["code"])
        if rule == "not_done_over" and tasks.total and tasks.percent(tasks.not_done) > case["percent"]:
            found.add(case["code"])
        if rule == "discipline" and _disciplined_in_year(subject, facts):
            found.add(case["code"])
    return found


def _disciplined_in_year(subject: Subject, facts: Facts) -> bool:
    """R366-RATE-7: discipline decided in the rating year counts in this year's rating, whatever
    year the violation was committed (the earlier year is not reopened)."""
    return any(
        record.decided_on.year == facts.season.year
        for record in facts.disciplines.get(subject.member_id, [])
        if isinstance(record, DisciplineRecord)
    )


def remedied_on_record(subject: Subject, facts: Facts) -> bool:
    """R366-RATE-2: the shortcomings named at the last review are remedied — the share of last
    season's remediation items done reaches `conditions.remedied_percent` (100 by default); none
    named counts as remedied."""
    total, done = facts.previous_remediation.get(subject.pk, (0, 0))
    return done * 100 >= facts.rules.scoring["conditions"].get("remedied_percent", 100) * total


def standing_of(subject: Subject, facts: Facts) -> Standing:
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


# -- guards ----------------------------------------------------------------------------------------


def level_problems(subject: Subject, level: str, facts: Facts) -> list[str]:
    """Whether `level` agrees with the points, the conditions and the KHTNV cases (R366-RATE-1,
    R366-RATE-2, R366-RATE-3, R366-RATE-4, R366-RATE-5, R366-RATE-6), then the rules both regimes
    share (R366-RATE-9 civil-service link, R366-RATE-11 leave: no cap by default)."""
    rules = facts.rules
    if level not in rules.level_codes():
        return [_("%(level)s is not a level of this rule set.") % {"level": level}]
    standing = standing_of(subject, facts)
    problems = agreement_problems(
        level, standing, outcome(standing, rules.scoring, rules.level_codes()), rules
    )
    if subject.is_member:
        problems += civil_service_problems(subject, level, facts)
        problems += leave_problems(subject, level, facts)
    elif rules.organization_thresholds:  # R366-RATE-8: shares of levels, none in the shipped rule set
        problems += threshold_problems(subject, level, facts)
    return problems


def agreement_problems(level: str, standing: Standing, result: Outcome, rules) -> list[str]:
    """One level against the band of the points (R366-RATE-1), the KHTNV cases (R366-RATE-4,
    R366-RATE-5, R366-RATE-6) and the level's conditions (R366-RATE-2; in the R366-RATE-3 gap,
    HTNV or KHTNV, chosen with a reason)."""
    lowest = rules.level_codes()[-1]
    if result.band is None and not result.cases:
        return [_("The points are not all entered yet, so the level cannot be checked.")]
    if result.cases and level != lowest:
        return [
            _("This is a case of not completing the tasks (%(cases)s): the level must be %(lowest)s.")
            % {"cases": "; ".join(result.cases), "lowest": lowest}
        ]
    if result.band is not None and rules.level_rank(level) < rules.level_rank(result.band):
        return [
            _("%(points)s points allow at most %(band)s.")
            % {"points": points_text(standing.points), "band": result.band}
        ]
    if result.gap and rules.level_rank(level) < rules.level_rank(rules.level_codes()[-2]):
        return [
            _("The conditions of %(level)s are not met: %(why)s.")
            % {"level": level, "why": "; ".join(result.unmet[level])}
        ]
    if level != lowest and not result.gap and result.unmet.get(level):
        return [
            _("The conditions of %(level)s are not met: %(why)s.")
            % {"level": level, "why": "; ".join(result.unmet[level])}
        ]
    return []


def gap_note(subject: Subject, facts: Facts) -> str:
    """R366-RATE-3: the points reach a level but no level's conditions hold."""
    result = subject_outcome(subject, facts)
    if not result.gap:
        return ""
    codes = facts.rules.level_codes()
    return _(
        "%(points)s points, but the conditions of no level are met; the regulation does not say what "
        "follows, so the deciding level chooses %(passing)s or %(lowest)s, with a reason."
    ) % {"points": points_text(standing_of(subject, facts).points), "passing": codes[-2], "lowest": codes[-1]}


def form_problems(subject: Subject, facts: Facts) -> list[str]:
    """What keeps a form from being submitted: empty items, the task list, points for every item
    (R366-SCORE-1, R366-SCORE-4), answered suggestions, the pledge, and a self-rating the points
    and the conditions allow."""
    rules = facts.rules
    template = rules.template(subject.form_code)
    answers = (facts.forms[subject.pk].answers if subject.pk in facts.forms else {}) or {}
    problems, empty = [], []
    for item in form_items(template):
        answer = answers.get(item["key"]) or {}
        kind = item["type"]
        if (
            kind in ("text", "remediation")
            and item.get("required", True)
            and not str(answer.get("text", "")).strip()
        ):
            empty.append(item["key"])
        elif kind == "pledge":
            problems += pledge_problems(subject, facts, answers)
        elif kind == "tasks":
            problems += task_rows_problems(answer.get("tasks", []))
        elif kind == "scores":
            items = criteria_items(rules.scoring, facts.season.criteria, subject.profile)
            typed = answer.get("points") or {}
            missing = [i.title for i in items if not str(typed.get(i.key, "")).strip()]
            if missing:
                problems.append(_("Give points for: %(items)s.") % {"items": "; ".join(missing)})
            else:
                problems += clean_scores(typed, items, rules.scoring)[1]
        elif kind == "self_rating":
            if item.get("only_for") == "civil_servant" and not subject.is_civil_servant:
                continue
            if not answer.get("level") and item.get("scope") == "civil_service":
                problems.append(
                    _("Choose your rating as a cadre, civil servant or public employee (part B).")
                )
            elif not answer.get("level"):
                problems.append(_("Choose the level you propose for yourself (part B)."))
            elif item.get("scope") == "party" and not problems:
                problems += _self_rating_problems(subject, facts, answers, answer["level"])
    if empty:
        problems.insert(0, _("These items are empty: %(items)s.") % {"items": ", ".join(empty)})
    unanswered = facts.unanswered_suggestions.get(subject.pk, 0)
    if unanswered:
        problems.append(
            ngettext(
                "%(n)d review suggestion is not answered in section IV.",
                "%(n)d review suggestions are not answered in section IV.",
                unanswered,
            )
            % {"n": unanswered}
        )
    return problems


def form_standing(subject: Subject, facts: Facts, answers: dict) -> tuple[Standing, Outcome] | None:
    """The standing and the level that part B of a form gives as it is written (before submission),
    or None while its points are not all valid numbers."""
    rules = facts.rules
    items = criteria_items(rules.scoring, facts.season.criteria, subject.profile)
    points, errors = clean_scores((answers.get("B.II") or {}).get("points") or {}, items, rules.scoring)
    if errors:
        return None
    rows = answers.get("B.I") or {}
    tasks = Tasks.from_rows(rows.get("tasks", []))
    standing = Standing(
        profile=subject.profile,
        points=totals(items, points).total,
        tasks=tasks,
        remedied=remedied_on_record(subject, facts),
        clean=not facts.collective_disciplines.get(subject.unit_id) if subject.is_collective else True,
        units_led=bool(rows.get("units_led")),
        cases=tuple(sorted(found_cases(subject, facts, tasks))),
    )
    return standing, outcome(standing, rules.scoring, rules.level_codes())


def _self_rating_problems(subject: Subject, facts: Facts, answers: dict, level: str) -> list[str]:
    """The level proposed in the form may not be above what its own points and task list give."""
    found = form_standing(subject, facts, answers)
    if found is None:
        return []
    standing, result = found
    return agreement_problems(level, standing, result, facts.rules)


def decision_order_problems(subject: Subject, facts: Facts, decided_now: frozenset[int]) -> list[str]:
    """R366-ORDER-3: (1) a leadership collective before its members and (2) its head; (3) the
    members, subordinate organizations and the leadership collective before the organization;
    (4) the unit's own collectives first (R-ORDER-4 switch); (5) lower before upper."""

    def waiting(candidates) -> list[Subject]:
        return [c for c in candidates if c.in_scope and c.state != S.DECIDED and c.pk not in decided_now]

    problems = []
    if subject.is_member:
        for organization_id, _position in facts.seats.get(subject.member_id, []):
            unit = facts.unit_by_organization.get(organization_id)
            leadership = facts.collective_of(unit.pk, Subject.Kind.LEADERSHIP) if unit else None
            if leadership and waiting([leadership]):
                problems.append(
                    _("%(collective)s is rated before its members; rate it first.")
                    % {"collective": leadership.name}
                )
        return problems
    if subject.kind == Subject.Kind.LEADERSHIP:  # rated before its members, so early (1)
        return affiliate_problems(subject, facts)
    children = waiting(facts.children.get(subject.unit_id, []))
    if children:
        problems.append(
            ngettext(
                "%(n)d subordinate collective is not yet rated: %(names)s.",
                "%(n)d subordinate collectives are not yet rated: %(names)s.",
                len(children),
            )
            % {"n": len(children), "names": names(children)}
        )
    # R366-SCOPE-3, R366-RATE-8: every member reviewed is rated before the organization, which is
    # rated on all of them. A member not reviewed this season (absent, ill: R-SCOPE-6) is not waited for.
    members = waiting([m for m in facts.unit_members.get(subject.unit_id, []) if m.state != S.ABSENT])
    if members:
        problems.append(
            ngettext(
                "A party organization is rated after all its members; %(n)d is not yet rated: %(names)s.",
                "A party organization is rated after all its members; %(n)d are not yet rated: %(names)s.",
                len(members),
            )
            % {"n": len(members), "names": names(members)}
        )
    leadership = waiting([c for c in [facts.collective_of(subject.unit_id, Subject.Kind.LEADERSHIP)] if c])
    if leadership:
        problems.append(
            _("%(collective)s is rated before the organization; rate it first.")
            % {"collective": leadership[0].name}
        )
    return problems + affiliate_problems(subject, facts)


def review_order_problems(subject: Subject, facts: Facts, reviewed_now: frozenset[int]) -> list[str]:
    """R366-ORDER-2: members who hold a seat on a leadership collective are reviewed at their cells
    before the collective's own review."""
    if subject.kind != Subject.Kind.LEADERSHIP:
        return []
    unit = facts.units.get(subject.unit_id)
    seated = facts.seated_subjects.get(unit.organization_id, []) if unit else []
    waiting = [m for m in seated if m.in_scope and m.state not in REVIEW_DONE and m.pk not in reviewed_now]
    if not waiting:
        return []
    return [
        _("Its members are reviewed at their cells first; not yet: %(names)s.") % {"names": names(waiting)}
    ]


def head_above_collective(subject: Subject, level: str, facts: Facts, levels_now: dict) -> str | None:
    """R366-RATE-9: the head's result is tied to the unit's (the head-above-collective warning is
    kept). The unit is rated after its head here, so the warning comes with the unit's decision."""
    if subject.kind != Subject.Kind.ORGANIZATION:
        return None
    rules = facts.rules
    head = facts.head_subjects.get(subject.unit_id)
    head_level = head and (levels_now.get(head.pk) or head.decided_level)
    if head_level and rules.level_rank(head_level) < rules.level_rank(level):
        return _("%(head)s, who leads it, is rated %(head_level)s, above the unit's %(level)s.") % {
            "head": head.name,
            "head_level": head_level,
            "level": level,
        }
    return None


class QD366(Regime):
    code = "qd366"
    uses_points = True
    reopens_year_of_violation = False  # R366-RATE-7

    def past_violation_note(self, record, lowest: str) -> str:
        """R366-RATE-7: a violation of an earlier year disciplined later is weighed in the rating of
        the year of the discipline; the year of the violation is not reopened for it."""
        return _(
            "Under Regulation 366-QĐ/TW this violation of %(year)s, disciplined on %(date)s, is weighed "
            "in the rating of %(now)s; the rating of %(year)s is not reopened for it."
        ) % {
            "year": record.violation_year,
            "date": record.decided_on.strftime("%d/%m/%Y"),
            "now": record.decided_on.year,
        }

    def rerating_basis(self) -> str:
        """R366-STEP-2: a result that proves wrong is cancelled and re-rated (Mẫu 03)."""
        return _(
            "Articles 13 and 15 of Regulation 366-QĐ/TW: a result that proves wrong or dishonest, or "
            "draws complaints, is cancelled and re-rated by the directly superior committee, with a "
            "decision on form 03."
        )

    checks_before_decision = True
    member_forms = ("2A", "2B", "2C")
    # R366-ORDER-3: the cell committee, then the members, then the cell after all of them.
    cell_rating_order = (Subject.Kind.LEADERSHIP, Subject.Kind.MEMBER, Subject.Kind.ORGANIZATION)

    def member_profile_sql(self) -> str:
        """The profile from posts and status at opening (changeable per member, with a reason):
        leaders and managers LĐ; cadres, civil servants and public employees KLĐ; others NHT."""
        return "CASE WHEN m.is_leader THEN 'LD' WHEN m.is_civil_servant THEN 'KLD' ELSE 'NHT' END"

    def member_form_sql(self) -> str:
        """R366-FORM-LETTERS: the template follows the profile, never a letter: leaders 2A
        (R366-FORM-2A), members without a leading post in the political system 2B (R366-FORM-2B),
        members outside it 2C (R366-FORM-2C)."""
        return "CASE WHEN m.is_leader THEN '2A' WHEN m.is_civil_servant THEN '2B' ELSE '2C' END"

    def collective_profile(self) -> str:
        return P.COLLECTIVE

    def form_problems(self, subject, facts):
        return form_problems(subject, facts)

    def level_problems(self, subject, level, facts):
        return level_problems(subject, level, facts)

    def review_order_problems(self, subject, facts, reviewed_now):
        return review_order_problems(subject, facts, reviewed_now)

    def decision_order_problems(self, subject, facts, decided_now):
        return decision_order_problems(subject, facts, decided_now)

    def head_above_collective(self, subject, level, facts, levels_now):
        return head_above_collective(subject, level, facts, levels_now)

    def record_outcome(self, subject, facts):
        record_outcome(subject, facts)

    def decision_sort_key(self, subject):
        """R366-ORDER-3: leadership collectives, then members, then organizations, lower first."""
        rank = {Subject.Kind.LEADERSHIP: 0, Subject.Kind.MEMBER: 1, Subject.Kind.ORGANIZATION: 2}
        return (rank[subject.kind], -len(subject.path))


REGIME = QD366()
