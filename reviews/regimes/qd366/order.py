"""QĐ 366 order rules: who is reviewed before whom (R366-ORDER-2), who is rated before whom
(R366-ORDER-3), and the head tied to the unit's result (R366-RATE-9)."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from reviews.facts import REVIEW_DONE, Facts
from reviews.models import Subject
from reviews.rules import affiliate_problems, names

S = Subject.State


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
    children = [c for c in facts.waiting_children.get(subject.unit_id, []) if c.pk not in decided_now]
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
