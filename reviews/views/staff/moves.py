"""Whose move it is for an organization on the blockers board: the first step of its season that
is not done, read from what the board has already counted (its own state, its leadership
collective's, its members' per state). No query.

The keys are what the board filters and sorts by (`?move=committee&sort=move`).
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from organizations.models import Kind
from reviews.models import SeasonUnit, Subject

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


def whose_move(
    unit: SeasonUnit, organization: Subject | None, leadership: Subject | None, states: dict
) -> Move:
    """The first step not done, in the order of the season: reports, the meeting, proposals,
    decisions. `states` counts the in-scope members below the unit per state."""
    writing = states.get(S.DRAFT, 0) + states.get(S.RETURNED, 0)
    org_state = organization.state if organization is not None and organization.in_scope else S.DECIDED
    if org_state in (S.DRAFT, S.RETURNED):
        return Move(UNIT, _("%(unit)s writes and submits its collective report.") % {"unit": unit.name})
    if writing:
        return Move(
            MEMBERS,
            ngettext(
                "%(n)d member has not submitted the review.",
                "%(n)d members have not submitted the review.",
                writing,
            )
            % {"n": writing},
        )
    if org_state == S.SUBMITTED or states.get(S.SUBMITTED):
        return Move(UNIT, _("%(unit)s records the review meeting.") % {"unit": unit.name})
    if states.get(S.REVIEWED):
        return Move(UNIT, _("%(unit)s proposes the members' levels.") % {"unit": unit.name})
    if org_state == S.REVIEWED:
        return Move(
            COMMITTEE,
            _("%(committee)s proposes the level of %(unit)s.")
            % {"committee": _committee(organization), "unit": unit.name},
        )
    if states.get(S.PROPOSED):
        if unit.kind == Kind.BASE_CELL:  # a base cell decides its own members (R-STEP-2)
            return Move(UNIT, _("%(unit)s decides its members' levels.") % {"unit": unit.name})
        return Move(
            COMMITTEE,
            _("%(committee)s decides the members' levels.") % {"committee": _committee(organization)},
        )
    if org_state == S.PROPOSED:
        return Move(
            COMMITTEE,
            _("%(committee)s decides the level of %(unit)s.")
            % {"committee": _committee(organization), "unit": unit.name},
        )
    if leadership is not None and leadership.in_scope and leadership.state != S.DECIDED:
        return Move(
            COMMITTEE,
            _("%(committee)s rates %(name)s.")
            % {"committee": _committee(leadership), "name": leadership.name},
        )
    return Move(NOBODY, _("Nothing left to do."))
