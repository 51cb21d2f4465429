"""QĐ 124: the rating order (R-ORDER-5..7) and a head rated above the unit they lead (R-RATE-8)."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from members.models import CommitteeSeat
from reviews.facts import Facts
from reviews.models import Subject
from reviews.refusals import Reason
from reviews.rules import affiliate_problems, names

S = Subject.State


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
            return Reason(
                _("The head is rated %(level)s, above %(unit)s (%(unit_level)s) that they lead.")
                % {"level": level, "unit": led.name, "unit_level": led_level},
                rule="R-RATE-8",
            )
    return None
