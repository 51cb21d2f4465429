"""Whose move it is for an organization on the blockers board: the first step of its season that
is not done, read from what the board has already counted (its own state, its leadership
collective's, its members' per state). No query.

The keys are what the board filters (any of a row's moves) and sorts by (its first move):
`?move=committee&sort=move`.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from organizations.models import Kind
from reviews.figures_children import ChildUnit
from reviews.models import Subject

S = Subject.State
MEMBERS, UNIT, COMMITTEE, NOBODY = "members", "unit", "committee", "nobody"
MOVE_CHOICES = [
    (MEMBERS, gettext_lazy("Its members")),
    (UNIT, gettext_lazy("The organization itself (secretary, committee)")),
    (COMMITTEE, gettext_lazy("The deciding committee")),
    (NOBODY, gettext_lazy("Nobody: done")),
]
MOVE_ORDER = {key: n for n, (key, _label) in enumerate(MOVE_CHOICES)}


@dataclass
class Move:
    key: str
    text: str

    @property
    def rank(self) -> int:
        return MOVE_ORDER[self.key]


def _committee(subject: Subject) -> str:
    return subject.decider.name if subject.decider_id else _("The deciding committee")


def whose_moves(
    unit: ChildUnit, organization: Subject | None, leadership: Subject | None, states: dict
) -> list[Move]:
    """Every party who can act now, in the order of the season (reports, the meeting, proposals,
    decisions); the first is the row's move for sorting. `states` counts the in-scope members
    below the unit per state."""
    moves = []
    writing = states.get(S.DRAFT, 0) + states.get(S.RETURNED, 0)
    org_state = organization.state if organization is not None and organization.in_scope else S.DECIDED
    if org_state in (S.DRAFT, S.RETURNED):
        moves.append(
            Move(UNIT, _("%(unit)s writes and submits its collective report.") % {"unit": unit.name})
        )
    if writing:
        text = ngettext(
            "%(n)d member has not submitted the review.",
            "%(n)d members have not submitted the review.",
            writing,
        )
        moves.append(Move(MEMBERS, text % {"n": writing}))
    if org_state == S.SUBMITTED or states.get(S.SUBMITTED):
        moves.append(Move(UNIT, _("%(unit)s records the review meeting.") % {"unit": unit.name}))
    if states.get(S.REVIEWED):
        moves.append(Move(UNIT, _("%(unit)s proposes the members' levels.") % {"unit": unit.name}))
    if org_state == S.REVIEWED:
        committee = _committee(organization)
        moves.append(
            Move(
                COMMITTEE,
                _("%(committee)s proposes the level of %(unit)s.")
                % {"committee": committee, "unit": unit.name},
            )
        )
    if states.get(S.PROPOSED):
        if unit.kind == Kind.BASE_CELL:  # a base cell decides its own members (R-STEP-2)
            moves.append(Move(UNIT, _("%(unit)s decides its members' levels.") % {"unit": unit.name}))
        else:
            committee = _committee(organization) if organization else _("The deciding committee")
            moves.append(
                Move(COMMITTEE, _("%(committee)s decides the members' levels.") % {"committee": committee})
            )
    if org_state == S.PROPOSED:
        committee = _committee(organization)
        moves.append(
            Move(
                COMMITTEE,
                _("%(committee)s decides the level of %(unit)s.")
                % {"committee": committee, "unit": unit.name},
            )
        )
    if leadership is not None and leadership.in_scope and leadership.state in (S.REVIEWED, S.PROPOSED):
        committee = _committee(leadership)
        moves.append(
            Move(
                COMMITTEE,
                _("%(committee)s rates %(name)s.") % {"committee": committee, "name": leadership.name},
            )
        )
    return moves or [Move(NOBODY, _("Nothing left to do."))]
