"""QĐ 124: the guards on a form (R-FORM-1..5) and on a level (grades, discipline, thresholds)."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from members.models import DisciplineRecord
from reviews.facts import Facts
from reviews.leave_rules import leave_problems
from reviews.models import Subject
from reviews.refusals import Reason, form_place, item_fragment, listing
from reviews.regimes.qd124.grades import grade_problems, own_grades
from reviews.rules import (
    civil_service_problems,
    form_items,
    names,
    pledge_problems,
)

S = Subject.State


def form_problems(subject: Subject, facts: Facts) -> list[str]:
    """What keeps a form from being submitted: empty required items (R-FORM-1, R-FORM-2, R-FORM-3), unanswered
    suggestions (R-FORM-4), unassessed pledge items (R-FORM-5), a self-rating that the grades do
    not allow (R-RATE-1)."""
    template = facts.rules.template(subject.form_code)
    answers = (facts.forms[subject.pk].answers if subject.pk in facts.forms else {}) or {}
    problems = []
    missing_text, missing_grade = [], []
    for item in form_items(template):
        answer = answers.get(item["key"]) or {}
        kind = item["type"]
        needs_text = kind in ("text", "graded_text", "remediation") and item.get("required", True)
        if needs_text and not str(answer.get("text", "")).strip():
            missing_text.append((item["key"], form_place(subject, item_fragment(item["key"]))))
        if item.get("criterion") and not answer.get("grade"):
            missing_grade.append((item["key"], form_place(subject, item_fragment(item["key"]))))
        if kind == "self_rating":
            if item.get("only_for") == "civil_servant" and not subject.is_civil_servant:
                continue
            if not answer.get("level"):
                problems.append(_("Item %(key)s: choose a rating level.") % {"key": item["key"]})
        if kind == "pledge":
            problems.extend(pledge_problems(subject, facts, answers))
    if missing_text:
        problems.insert(0, listing(_("These items are empty: %(items)s."), missing_text))
    if missing_grade:
        problems.insert(0, listing(_("These items have no grade: %(items)s."), missing_grade))
    problems.extend(suggestion_problems(subject, facts))
    self_level = next(
        (
            (answers.get(i["key"]) or {}).get("level")
            for i in form_items(template)
            if i["type"] == "self_rating" and i.get("scope") == "party"
        ),
        "",
    )
    if self_level and not missing_grade:
        problems.extend(
            grade_problems(subject, self_level, facts, grades=own_grades(subject, facts, answers))
        )
    return problems


def _in_year(record: DisciplineRecord, year: int) -> bool:
    return record.decided_on.year == year


def member_discipline_problems(subject: Subject, level: str, facts: Facts) -> list[str]:
    """R-RATE-3: disciplined in the rating year for a violation of that year → KHTNV, unless the
    member found it and fully remedied it. An earlier-year violation disciplined now is handled
    by re-rating that year (R-RATE-4), not here."""
    lowest = facts.rules.level_codes()[-1]
    for record in facts.disciplines.get(subject.member_id, []):
        if (
            _in_year(record, facts.season.year)
            and record.violation_year == facts.season.year
            and not record.self_found_and_remedied
            and level != lowest
        ):
            return [
                Reason(
                    _("Disciplined (%(form)s, %(date)s) in the rating year: the level must be %(lowest)s.")
                    % {
                        "form": record.get_form_display(),
                        "date": record.decided_on.strftime("%d/%m/%Y"),
                        "lowest": lowest,
                    },
                    rule="R-RATE-3",
                )
            ]
    return []


def collective_discipline_problems(subject: Subject, level: str, facts: Facts) -> list[str]:
    """R-RATE-6: discipline in the collective caps its level; R-RATE-5 via facts (violations
    count where they happened)."""
    rules = facts.rules
    codes = rules.level_codes()
    top, lowest = codes[0], codes[-1]
    records = facts.collective_disciplines.get(subject.unit_id, [])
    if not records:
        return []
    own = [
        r
        for kind, r in records
        if kind == "self" and (r.leadership_collective or subject.kind == Subject.Kind.ORGANIZATION)
    ]
    children = {r.organization_id for kind, r in records if kind == "child"}
    child_units = {
        c.unit_id for c in facts.children.get(subject.unit_id, []) if c.kind == Subject.Kind.ORGANIZATION
    }
    share_limit = rules.switch("collective_discipline_khtnv_percent")
    if own or (child_units and len(children) * 100 > share_limit * len(child_units)):
        if level != lowest:
            return [
                Reason(
                    _(
                        "The collective itself, or more than %(limit)s%% of its subordinate organizations, was "
                        "disciplined in %(year)s: the level must be %(lowest)s."
                    )
                    % {"limit": share_limit, "year": facts.season.year, "lowest": lowest},
                    rule="R-RATE-6",
                )
            ]
        return []
    unremedied = [r for _kind, r in records if not r.self_found_and_remedied]
    if unremedied and level != lowest:
        return [
            Reason(
                _(
                    "Discipline in the collective in %(year)s that it did not find and remedy itself: the level "
                    "must be %(lowest)s."
                )
                % {"year": facts.season.year, "lowest": lowest},
                rule="R-RATE-6",
            )
        ]
    if level == top:
        return [
            Reason(
                _("Discipline in the collective in %(year)s: it cannot be %(top)s.")
                % {"year": facts.season.year, "top": top},
                rule="R-RATE-6",
            )
        ]
    return []


def threshold_problems(subject: Subject, level: str, facts: Facts) -> list[str]:
    """R-RATE-7: shares of rated members (cells) or subordinates (others) a level requires."""
    if subject.kind != Subject.Kind.ORGANIZATION:
        return []
    rules = facts.rules
    unit = facts.units[subject.unit_id]
    is_cell = unit.kind.endswith("cell")
    for threshold in rules.organization_thresholds:
        if threshold["level"] != level or threshold["applies_to"] != (
            "cell" if is_cell else "with_subordinates"
        ):
            continue
        if is_cell:
            pool = [
                m for m in facts.unit_members.get(subject.unit_id, []) if m.in_scope and m.state != S.ABSENT
            ]
            what = _("members")
        else:
            pool = [
                c
                for c in facts.children.get(subject.unit_id, [])
                if c.kind == Subject.Kind.ORGANIZATION and c.in_scope
            ]
            what = _("subordinate organizations")
        unrated = [p for p in pool if not facts.level_of(p)]
        if unrated:
            return [
                Reason(
                    _(
                        "%(level)s needs every one of its %(what)s proposed or rated first; not yet: %(names)s."
                    )
                    % {"level": level, "what": what, "names": names(unrated)},
                    rule="R-RATE-7",
                )
            ]
        if not pool:
            continue
        for requirement in threshold["requires"]:
            reached = sum(
                1
                for p in pool
                if rules.level_rank(facts.level_of(p)) <= rules.level_rank(requirement["at_least"])
            )
            if reached * 100 < requirement["percent"] * len(pool):
                return [
                    Reason(
                        _(
                            "%(level)s needs %(percent)s%% of its %(what)s at %(at_least)s or better; it has %(reached)d of "
                            "%(total)d."
                        )
                        % {
                            "level": level,
                            "percent": requirement["percent"],
                            "what": what,
                            "at_least": requirement["at_least"],
                            "reached": reached,
                            "total": len(pool),
                        },
                        rule="R-RATE-7",
                    )
                ]
    return []


def level_problems(subject: Subject, level: str, facts: Facts) -> list[str]:
    """All consistency checks between a level and what is known about the subject."""
    if level not in facts.rules.level_codes():
        return [_("%(level)s is not a level of this rule set.") % {"level": level}]
    problems = grade_problems(subject, level, facts)
    if subject.is_member:
        problems += member_discipline_problems(subject, level, facts)
        problems += civil_service_problems(subject, level, facts)
        problems += leave_problems(subject, level, facts)
    else:
        problems += collective_discipline_problems(subject, level, facts)
        problems += threshold_problems(subject, level, facts)
    return problems


def suggestion_problems(subject: Subject, facts: Facts) -> list[str]:
    """The review suggestions still unanswered in section IV of the form (R-FORM-4; both regimes)."""
    unanswered = facts.unanswered_suggestions.get(subject.pk, 0)
    if not unanswered:
        return []
    return [
        ngettext(
            "%(n)d review suggestion is not answered in section IV.",
            "%(n)d review suggestions are not answered in section IV.",
            unanswered,
        )
        % {"n": unanswered}
    ]
