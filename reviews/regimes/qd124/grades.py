"""QĐ 124: a level from the per-criterion grades (R-RATE-1), the meeting's grades where recorded,
else the author's own."""

from django.utils.translation import gettext as _

from reviews.facts import Facts
from reviews.models import Subject
from reviews.refusals import Reason
from reviews.rules import form_items


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


def own_grades(subject, facts, answers) -> dict[str, str]:
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
