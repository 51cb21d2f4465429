"""Regulation 124-QĐ/TW with Guidance 25-HD/BTCTW (rule set "QĐ 124 / HD 25 (2023)", regime
`qd124`): how a level is derived and checked, and in which order subjects are rated.

A level comes from per-criterion grades (Xuất sắc, Tốt, Trung bình, Kém): R-RATE-1 gives the
highest level the grades allow. Discipline in the rating year for a violation of that year means
KHTNV (R-RATE-3); an earlier year's violation reopens that year (R-RATE-4, reviews/services.py).
A cell is rated before its members (R-ORDER-6), a unit before its head (R-ORDER-7).

The rules both regimes share (pledges, comments from other cells, the civil-service link, leave,
the quota, the review order) are in reviews/rules.py.
"""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from members.models import CommitteeSeat, DisciplineRecord
from reviews.facts import Facts
from reviews.models import Subject
from reviews.refusals import Reason
from reviews.regimes.base import Regime
from reviews.rules import (
    affiliate_problems,
    civil_service_problems,
    form_items,
    leave_problems,
    names,
    pledge_problems,
)

S = Subject.State


def answers_grades(subject: Subject, facts: Facts) -> dict[str, str]:
    """criterion → grade: the meeting's assessed grades where recorded, else the author's own."""
    grades = {}
    form = facts.forms.get(subject.pk)
    template = facts.rules.template(subject.form_code)
    for item in form_items(template):
        if item.get("criterion"):
            grades[item["criterion"]] = ((form.answers if form else {}).get(item["key"]) or {}).get(
                "grade", ""
            )
    entry = facts.meeting_entries.get(subject.pk)
    if entry and entry.grades:
        grades.update({k: v for k, v in entry.grades.items() if v and k in grades})
    return grades


def _form_problems(subject: Subject, facts: Facts) -> list[str]:
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
            missing_text.append(item["key"])
        if item.get("criterion") and not answer.get("grade"):
            missing_grade.append(item["key"])
        if kind == "self_rating":
            if item.get("only_for") == "civil_servant" and not subject.is_civil_servant:
                continue
            if not answer.get("level"):
                problems.append(_("Item %(key)s: choose a rating level.") % {"key": item["key"]})
        if kind == "pledge":
            problems.extend(pledge_problems(subject, facts, answers))
    if missing_text:
        problems.insert(0, _("These items are empty: %(items)s.") % {"items": ", ".join(missing_text)})
    if missing_grade:
        problems.insert(0, _("These items have no grade: %(items)s.") % {"items": ", ".join(missing_grade)})
    unanswered = facts.unanswered_suggestions.get(subject.pk, 0)
    if unanswered:  # R-FORM-4
        problems.append(
            ngettext(
                "%(n)d review suggestion is not answered in section IV.",
                "%(n)d review suggestions are not answered in section IV.",
                unanswered,
            )
            % {"n": unanswered}
        )
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
            grade_problems(subject, self_level, facts, grades=_own_grades(subject, facts, answers))
        )
    return problems


def _own_grades(subject, facts, answers) -> dict[str, str]:
    template = facts.rules.template(subject.form_code)
    return {
        i["criterion"]: (answers.get(i["key"]) or {}).get("grade", "")
        for i in form_items(template)
        if i.get("criterion")
    }


def highest_level_for_grades(grades: dict[str, str], template: dict, rules) -> str | None:
    """R-RATE-1: the highest level the criterion grades allow, or None if a grade is missing."""
    if any(not g for g in grades.values()):
        return None
    task_criteria = {i["criterion"] for i in form_items(template) if i.get("task_results")}
    for level in rules.level_codes():
        requirement = rules.level_rules.get(level, {})
        minimum_all = requirement.get("min_grade_all")
        minimum_task = requirement.get("min_grade_task")
        if minimum_all and any(rules.grade_rank(g) > rules.grade_rank(minimum_all) for g in grades.values()):
            continue
        if minimum_task and any(
            rules.grade_rank(grades[c]) > rules.grade_rank(minimum_task) for c in task_criteria if c in grades
        ):
            continue
        return level
    return rules.level_codes()[-1]


def grade_problems(subject: Subject, level: str, facts: Facts, grades: dict | None = None) -> list[str]:
    """R-RATE-1: the level must be consistent with the per-criterion grades."""
    rules = facts.rules
    grades = grades if grades is not None else answers_grades(subject, facts)
    highest = highest_level_for_grades(grades, rules.template(subject.form_code), rules)
    if highest is None:
        return [
            Reason(
                _(
                    "Not every criterion has a grade yet, so the level cannot be checked: grade each criterion first."
                ),
                rule="R-RATE-1",
            )
        ]
    if rules.level_rank(level) < rules.level_rank(highest):
        return [
            Reason(
                _(
                    "The grades of the criteria allow at most %(highest)s, not %(level)s: choose %(highest)s or "
                    "lower, or correct the grades."
                )
                % {"highest": highest, "level": level},
                rule="R-RATE-1",
            )
        ]
    return []


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


def _level_problems(subject: Subject, level: str, facts: Facts) -> list[str]:
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


def _decision_order_problems(
    subject: Subject, facts: Facts, decided_now: frozenset[int] = frozenset()
) -> list[str]:
    """R-ORDER-5: lower before upper; R-ORDER-6: the collective before its members;
    R-ORDER-7: the unit before its head."""

    def decided(s: Subject) -> bool:
        return s.state == S.DECIDED or s.pk in decided_now

    problems = []
    if subject.is_collective:
        pending = [c for c in facts.children.get(subject.unit_id, []) if c.in_scope and not decided(c)]
        if pending:
            problems.append(
                Reason(
                    ngettext(
                        "%(n)d subordinate collective is not yet rated: %(names)s. Decide its rating first.",
                        "%(n)d subordinate collectives are not yet rated: %(names)s. Decide their ratings first.",
                        len(pending),
                    )
                    % {"n": len(pending), "names": names(pending)},
                    rule="R-ORDER-5",
                )
            )
        if subject.kind == Subject.Kind.LEADERSHIP:
            organization = facts.collective_of(subject.unit_id)
            if organization and organization.in_scope and not decided(organization):
                problems.append(
                    Reason(
                        _("Decide the rating of %(org)s first; its leadership collective is rated after it.")
                        % {"org": organization.name},
                        rule="R-ORDER-6",
                    )
                )
        problems += affiliate_problems(subject, facts)
        return problems
    cell = facts.collective_of(subject.unit_id)
    if cell and cell.in_scope and not decided(cell):
        problems.append(
            Reason(
                _("Decide the rating of %(cell)s first; its members are rated after it.")
                % {"cell": cell.name},
                rule="R-ORDER-6",
            )
        )
    for organization_id, position in facts.seats.get(subject.member_id, []):
        unit = facts.unit_by_organization.get(organization_id)
        if unit is None:
            continue
        leadership = facts.collective_of(unit.pk, Subject.Kind.LEADERSHIP)
        if leadership and leadership.in_scope and not decided(leadership):
            problems.append(
                Reason(
                    _("Decide the rating of %(collective)s first; its members are rated after it.")
                    % {"collective": leadership.name},
                    rule="R-ORDER-6",
                )
            )
        if position == CommitteeSeat.Position.HEAD:
            led = facts.collective_of(unit.pk)
            if led and led.in_scope and not decided(led) and led.unit_id != subject.unit_id:
                problems.append(
                    Reason(
                        _("Decide the rating of %(unit)s first; its head is rated after it.")
                        % {"unit": led.name},
                        rule="R-ORDER-7",
                    )
                )
    return problems


def _head_above_collective(
    subject: Subject, level: str, facts: Facts, levels_now: dict[int, str]
) -> str | None:
    """R-RATE-8: a head rated above the collective they lead needs a reason (or is blocked)."""
    if not subject.is_member:
        return None
    rules = facts.rules
    for organization_id, position in facts.seats.get(subject.member_id, []):
        unit = facts.unit_by_organization.get(organization_id)
        led = facts.collective_of(unit.pk) if (unit and position == CommitteeSeat.Position.HEAD) else None
        if led is None:
            continue
        led_level = levels_now.get(led.pk) or led.decided_level
        if led_level and rules.level_rank(level) < rules.level_rank(led_level):
            return Reason(
                _("The head is rated %(level)s, above %(unit)s (%(unit_level)s) that they lead.")
                % {"level": level, "unit": led.name, "unit_level": led_level},
                rule="R-RATE-8",
            )
    return None


class QD124(Regime):
    code = "qd124"
    uses_points = False
    member_forms = ("02A", "02B")
    reopens_year_of_violation = True  # R-RATE-4

    def past_violation_note(self, record, lowest: str) -> str:
        """R-RATE-4: the year of the violation is reopened and re-rated KHTNV by the directly
        superior committee, case by case when the member found the violation and remedied it."""
        values = {
            "year": record.violation_year,
            "date": record.decided_on.strftime("%d/%m/%Y"),
            "lowest": lowest,
        }
        if record.self_found_and_remedied:
            return (
                _(
                    "Under Article 12 of Regulation 124-QĐ/TW this violation of %(year)s, disciplined on "
                    "%(date)s, reopens the rating of %(year)s. The member found it and remedied it: the "
                    "directly superior committee weighs the level case by case."
                )
                % values
            )
        return (
            _(
                "Under Article 12 of Regulation 124-QĐ/TW this violation of %(year)s, disciplined on "
                "%(date)s, reopens the rating of %(year)s: the directly superior committee re-rates it "
                "%(lowest)s."
            )
            % values
        )

    def past_violation_levels(self, record, level_codes: list[str]) -> list[str]:
        return list(level_codes) if record.self_found_and_remedied else level_codes[-1:]

    def rerating_basis(self) -> str:
        return _(
            "Article 13 of Regulation 124-QĐ/TW: the directly superior committee may cancel a "
            "decided result and re-rate it, with the reason written down."
        )

    # R-ORDER-6: the cell, then its committee, then the members.
    cell_rating_order = (Subject.Kind.ORGANIZATION, Subject.Kind.LEADERSHIP, Subject.Kind.MEMBER)

    def member_form_sql(self) -> str:
        return "CASE WHEN m.is_leader THEN '02B' ELSE '02A' END"

    def form_problems(self, subject: Subject, facts: Facts) -> list[str]:
        return _form_problems(subject, facts)

    def level_problems(self, subject: Subject, level: str, facts: Facts) -> list[str]:
        return _level_problems(subject, level, facts)

    def decision_order_problems(
        self, subject: Subject, facts: Facts, decided_now: frozenset[int]
    ) -> list[str]:
        return _decision_order_problems(subject, facts, decided_now)

    def head_above_collective(
        self, subject: Subject, level: str, facts: Facts, levels_now: dict
    ) -> str | None:
        return _head_above_collective(subject, level, facts, levels_now)

    def decision_sort_key(self, subject: Subject) -> tuple:
        """R-ORDER-5/6: collectives before members, lower organizations before higher ones, and an
        organization before its leadership collective (same path)."""
        return (subject.is_member, -len(subject.path), subject.kind != Subject.Kind.ORGANIZATION)


REGIME = QD124()
