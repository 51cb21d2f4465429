"""The rules of Regulation 124 as guards: each returns reasons (Vietnamese sentences through
gettext) naming what blocks a step, never a bare boolean. Values come from the season's rule set
(`facts.rules`), never from settings. Every function names the rule it enforces.
"""

import datetime
import math
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from members.models import CommitteeSeat, DisciplineRecord, LeaveRecord
from reviews.facts import REVIEW_DONE, Facts
from reviews.models import Subject

S = Subject.State


@dataclass
class Verdict:
    blockers: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def allowed(self) -> bool:
        return not self.blockers


def names(subjects, limit: int = 10) -> str:
    listed = [s.name for s in subjects]
    text = ", ".join(listed[:limit])
    return text + (_(" and %(n)d more") % {"n": len(listed) - limit} if len(listed) > limit else "")


# -- forms (R-FORM) ------------------------------------------------------------------------------


def form_items(template: dict):
    for section in template["sections"]:
        yield from section["items"]


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


def pledge_problems(subject: Subject, facts: Facts, answers: dict) -> list[str]:
    """R-FORM-5: every pledge item of the year has its fulfilment assessed."""
    pledge = facts.pledges.get(subject.member_id)
    if pledge is None:
        return [_("There is no annual pledge for %(year)s to assess.") % {"year": facts.season.year}]
    unassessed = [
        str(n)
        for n, item in enumerate(pledge.items.all(), 1)
        if not (answers.get(f"pledge:{item.pk}") or {}).get("assessment")
    ]
    if unassessed:
        return [_("Pledge items not yet assessed: %(items)s.") % {"items": ", ".join(unassessed)}]
    return []


# -- levels (R-RATE) -------------------------------------------------------------------------------


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
        return [_("Not every criterion has a grade yet, so the level cannot be checked (R-RATE-1).")]
    if rules.level_rank(level) < rules.level_rank(highest):
        return [
            _("The grades allow at most %(highest)s, not %(level)s (R-RATE-1).")
            % {"highest": highest, "level": level}
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
                _(
                    "Disciplined (%(form)s, %(date)s) in the rating year: the level must be %(lowest)s (R-RATE-3)."
                )
                % {
                    "form": record.get_form_display(),
                    "date": record.decided_on.strftime("%d/%m/%Y"),
                    "lowest": lowest,
                }
            ]
    return []


def civil_service_problems(subject: Subject, level: str, facts: Facts) -> list[str]:
    """R-RATE-9: a civil-service KHTNV makes the party rating KHTNV; party HTXSNV needs
    civil-service HTXSNV."""
    rules = facts.rules
    if not (subject.is_member and subject.is_civil_servant and rules.switch("civil_service_link")):
        return []
    civil = subject.civil_service_level
    if not civil:
        return [_("The civil-service rating of this member is not recorded yet (R-RATE-9).")]
    top, lowest = rules.level_codes()[0], rules.level_codes()[-1]
    if civil == lowest and level != lowest:
        return [
            _("Rated %(civil)s as a civil servant, so the party rating must be %(lowest)s (R-RATE-9).")
            % {"civil": civil, "lowest": lowest}
        ]
    if level == top and civil != top:
        return [
            _(
                "%(top)s as a party member needs %(top)s as a civil servant; the civil-service rating is "
                "%(civil)s (R-RATE-9)."
            )
            % {"top": top, "civil": civil}
        ]
    return []


def leave_problems(subject: Subject, level: str, facts: Facts) -> list[str]:
    """R-RATE-10: sick leave of 3 months or more in the year caps the level (configurable)."""
    rules = facts.rules
    sick = facts.leave_days.get((subject.member_id, LeaveRecord.Kind.SICK), 0)
    cap = rules.switch("sick_leave_max_level")
    if sick >= rules.switch("sick_leave_days") and cap and rules.level_rank(level) < rules.level_rank(cap):
        return [
            _("%(days)d days of sick leave in %(year)s: the level cannot be above %(cap)s (R-RATE-10).")
            % {"days": sick, "year": facts.season.year, "cap": cap}
        ]
    return []


def leave_notes(subject: Subject, facts: Facts) -> list[str]:
    """R-RATE-10: maternity leave is rated on the time actually worked: a note, not a limit."""
    days = facts.leave_days.get((subject.member_id, LeaveRecord.Kind.MATERNITY), 0)
    if days:
        return [
            _("%(days)d days of maternity leave: rate on the time actually worked (R-RATE-10).")
            % {"days": days}
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
                _(
                    "The collective itself, or more than %(limit)s%% of its subordinate organizations, was "
                    "disciplined in %(year)s: the level must be %(lowest)s (R-RATE-6)."
                )
                % {"limit": share_limit, "year": facts.season.year, "lowest": lowest}
            ]
        return []
    unremedied = [r for _kind, r in records if not r.self_found_and_remedied]
    if unremedied and level != lowest:
        return [
            _(
                "Discipline in the collective in %(year)s that it did not find and remedy itself: the level "
                "must be %(lowest)s (R-RATE-6)."
            )
            % {"year": facts.season.year, "lowest": lowest}
        ]
    if level == top:
        return [
            _("Discipline in the collective in %(year)s: it cannot be %(top)s (R-RATE-6).")
            % {"year": facts.season.year, "top": top}
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
                _(
                    "%(level)s needs every one of its %(what)s proposed or rated first; not yet: %(names)s (R-RATE-7)."
                )
                % {"level": level, "what": what, "names": names(unrated)}
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
                    _(
                        "%(level)s needs %(percent)s%% of its %(what)s at %(at_least)s or better; it has %(reached)d of "
                        "%(total)d (R-RATE-7)."
                    )
                    % {
                        "level": level,
                        "percent": requirement["percent"],
                        "what": what,
                        "at_least": requirement["at_least"],
                        "reached": reached,
                        "total": len(pool),
                    }
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


# -- order (R-ORDER) --------------------------------------------------------------------------------


def review_order_problems(
    subject: Subject, facts: Facts, reviewed_now: frozenset[int] = frozenset()
) -> list[str]:
    """R-ORDER-2: the collective before its members; R-ORDER-3: head, then deputies, then members;
    R-ORDER-4: prerequisite government/professional/mass collectives first."""

    def done(s: Subject) -> bool:
        return s.state in REVIEW_DONE or s.pk in reviewed_now

    problems = []
    if subject.is_member:
        collective = facts.collective_of(subject.unit_id)
        if collective and collective.in_scope and not done(collective):
            problems.append(
                _("The collective review of %(unit)s must be recorded before its members' (R-ORDER-2).")
                % {"unit": collective.name}
            )
        colleagues = [
            m for m in facts.unit_members.get(subject.unit_id, []) if m.in_scope and m.pk != subject.pk
        ]
        earlier = [m for m in colleagues if m.position < subject.position and not done(m)]
        if earlier:
            problems.append(
                _(
                    "Review the head first, then the deputies, then the other members; still to review: "
                    "%(names)s (R-ORDER-3)."
                )
                % {"names": names(sorted(earlier, key=lambda m: m.position))}
            )
    else:
        problems += affiliate_problems(subject, facts)
    return problems


def affiliate_problems(subject: Subject, facts: Facts) -> list[str]:
    """R-ORDER-4: the organization waits for its listed prerequisite collectives."""
    if not facts.rules.switch("prerequisite_collectives"):
        return []
    pending = facts.pending_affiliates.get(facts.units[subject.unit_id].organization_id, [])
    if pending:
        return [
            _("These collectives of the same unit must be reviewed first: %(names)s (R-ORDER-4).")
            % {"names": ", ".join(pending)}
        ]
    return []


def decision_order_problems(
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
                ngettext(
                    "%(n)d subordinate collective is not yet rated: %(names)s (R-ORDER-5).",
                    "%(n)d subordinate collectives are not yet rated: %(names)s (R-ORDER-5).",
                    len(pending),
                )
                % {"n": len(pending), "names": names(pending)}
            )
        if subject.kind == Subject.Kind.LEADERSHIP:
            organization = facts.collective_of(subject.unit_id)
            if organization and organization.in_scope and not decided(organization):
                problems.append(
                    _("%(org)s must be rated before its leadership collective (R-ORDER-6).")
                    % {"org": organization.name}
                )
        problems += affiliate_problems(subject, facts)
        return problems
    cell = facts.collective_of(subject.unit_id)
    if cell and cell.in_scope and not decided(cell):
        problems.append(_("%(cell)s must be rated before its members (R-ORDER-6).") % {"cell": cell.name})
    for organization_id, position in facts.seats.get(subject.member_id, []):
        unit = facts.unit_by_organization.get(organization_id)
        if unit is None:
            continue
        leadership = facts.collective_of(unit.pk, Subject.Kind.LEADERSHIP)
        if leadership and leadership.in_scope and not decided(leadership):
            problems.append(
                _("%(collective)s must be rated before its members (R-ORDER-6).")
                % {"collective": leadership.name}
            )
        if position == CommitteeSeat.Position.HEAD:
            led = facts.collective_of(unit.pk)
            if led and led.in_scope and not decided(led) and led.unit_id != subject.unit_id:
                problems.append(_("%(unit)s must be rated before its head (R-ORDER-7).") % {"unit": led.name})
    return problems


def head_above_collective(
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
            return _(
                "The head is rated %(level)s, above %(unit)s (%(unit_level)s) that they lead (R-RATE-8)."
            ) % {"level": level, "unit": led.name, "unit_level": led_level}
    return None


def is_second_khtnv(subject: Subject, level: str, facts: Facts) -> bool:
    """R-RATE-11: a second consecutive KHTNV flags the member for the cell's consideration."""
    lowest = facts.rules.level_codes()[-1]
    return bool(
        subject.is_member
        and facts.rules.switch("second_khtnv_flag")
        and level == lowest
        and facts.previous_levels.get(subject.member_id) == lowest
    )


def outside_comment_problems(subject: Subject, facts: Facts) -> list[str]:
    """R-SCOPE-4: comments from the former cell (6 months or more there) or the cell of
    temporary registration come before a proposal."""
    have = facts.outside_comments.get(subject.pk, set())
    problems = []
    if subject.needs_former_cell_comment and "former" not in have:
        problems.append(_("Written comments from the former cell are not attached yet (R-SCOPE-4)."))
    if subject.needs_temporary_cell_comment and "temporary" not in have:
        problems.append(
            _("Written comments from the cell of temporary registration are not attached yet (R-SCOPE-4).")
        )
    return problems


# -- the quota (R-RATE-2) -----------------------------------------------------------------------------


def quota_limit(base_count: int, quota: dict) -> int:
    exact = base_count * quota["percent"] / 100
    rounding = quota.get("rounding", "down")
    if rounding == "up":
        return math.ceil(exact)
    if rounding == "nearest":
        return math.floor(exact + 0.5)
    return math.floor(exact)


@dataclass
class QuotaCount:
    label: str
    capped: int
    base: int
    limit: int
    percent: int
    capped_level: str
    base_level: str

    @property
    def exceeded(self) -> bool:
        return self.capped > self.limit

    def sentence(self) -> str:
        return _(
            "%(capped_level)s %(capped)d/%(limit)d allowed = %(percent)s%% × %(base)d %(base_level)s "
            "(%(label)s)"
        ) % vars(self)


def quota_count(label: str, levels: list[str], quota: dict) -> QuotaCount:
    capped_level, base_level = quota["capped_level"], quota["base_level"]
    base = sum(1 for level in levels if level == base_level)
    return QuotaCount(
        label=label,
        capped=sum(1 for level in levels if level == capped_level),
        base=base,
        limit=quota_limit(base, quota),
        percent=quota["percent"],
        capped_level=capped_level,
        base_level=base_level,
    )


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days (Monday to Friday) after `start` up to and including the day before `end`."""
    days, day = 0, start + datetime.timedelta(days=1)
    while day < end:
        if day.weekday() < 5:
            days += 1
        day += datetime.timedelta(days=1)
    return days


def circulation_warning(held_on: datetime.date, circulated_on: datetime.date | None, rules) -> str:
    """R-ORDER-8: the draft report goes out at least N working days before the meeting (a
    warning, not a block)."""
    needed = rules.switch("circulation_working_days")
    if circulated_on is None:
        return _("The date the draft report was circulated is not recorded (R-ORDER-8).")
    got = working_days_between(circulated_on, held_on)
    if circulated_on >= held_on or got < needed:
        return ngettext(
            "The draft report was circulated %(got)d working day before the meeting; at least %(needed)d are "
            "required (R-ORDER-8).",
            "The draft report was circulated %(got)d working days before the meeting; at least %(needed)d are "
            "required (R-ORDER-8).",
            max(got, 0),
        ) % {"got": max(got, 0), "needed": needed}
    return ""
