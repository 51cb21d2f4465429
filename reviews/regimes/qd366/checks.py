"""QĐ 366 guards on a level and on a form: whether a level agrees with the points, the conditions
and the KHTNV cases, and what keeps a form from being submitted."""

from django.utils.translation import gettext as _

from reviews.facts import Facts
from reviews.leave_rules import leave_problems
from reviews.models import Subject
from reviews.refusals import form_place, item_fragment, listing
from reviews.regimes.qd124.checks import suggestion_problems, threshold_problems
from reviews.regimes.qd366.levels import Outcome, Standing, outcome
from reviews.regimes.qd366.quarter_rules import quarter_rule_problems
from reviews.regimes.qd366.standing import found_cases, remedied_on_record, standing_of
from reviews.rules import civil_service_problems, form_items, pledge_problems
from reviews.scoring import Tasks, clean_scores, criteria_items, points_text, task_rows_problems, totals


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
        problems += quarter_rule_problems(subject, level, facts)  # R366-QTR-4, off by default
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
            empty.append((item["key"], form_place(subject, item_fragment(item["key"]))))
        elif kind == "pledge":
            problems += pledge_problems(subject, facts, answers)
        elif kind == "tasks":
            problems += task_rows_problems(answer.get("tasks", []))
        elif kind == "scores":
            items = criteria_items(rules.scoring, facts.season.criteria, subject.profile)
            typed = answer.get("points") or {}
            missing = [
                (i.title, form_place(subject, f"f-points-{i.key}"))
                for i in items
                if not str(typed.get(i.key, "")).strip()
            ]
            if missing:  # the criteria's names are long and may hold "," or ";": one under another
                problems.append(
                    listing(_("Give points for: %(items)s."), missing, separator="; ", as_list=True)
                )
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
        problems.insert(0, listing(_("These items are empty: %(items)s."), empty))
    problems += suggestion_problems(subject, facts)  # R-FORM-4
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
