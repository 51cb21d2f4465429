"""Upper-level attendees of a review meeting (đại biểu cấp trên dự).

Committee staff assign a committee member in charge of a unit in their subtree (a member holding
a committee seat, at the season's reference date, on a committee strictly above the unit: the
level above, "cấp trên", R-SUP-1), or a
working group sent by an upper body (R366-ORDER-5), to attend the unit's review meeting on a
date. Bad input is refused with every reason at once and nothing is saved."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from members.models import CommitteeSeat, Member
from reviews import access
from reviews.models import MeetingAttendance, SeasonUnit
from reviews.workflow import NotAllowed, WorkflowError


def ancestor_organization_ids(unit: SeasonUnit) -> list[int]:
    """The organizations of the unit and every unit above it in the season's snapshot."""
    ids, current = [], unit
    while current is not None:
        ids.append(current.organization_id)
        current = current.parent
    return ids


def committee_members(unit: SeasonUnit):
    """R-SUP-1: members holding a committee seat at the reference date on a committee strictly
    above the unit (its own committee is the level supervised, not the level above)."""
    above = ancestor_organization_ids(unit.parent) if unit.parent_id else []
    seats = CommitteeSeat.objects.active_on(unit.season.reference_date).filter(organization_id__in=above)
    return Member.objects.filter(pk__in=seats.values("member_id"))


def may_assign(user, unit: SeasonUnit, season=None) -> str | None:
    if access.season_scope(user, season or unit.season).is_staff_for(unit.path):
        return None
    return _("Only committee staff of %(unit)s or above it may assign who attends its review meeting.") % {
        "unit": unit.name
    }


@transaction.atomic
def assign(
    *,
    actor,
    unit: SeasonUnit,
    attends_on,
    member: Member | None = None,
    group_names: str = "",
    sent_by: str = "",
) -> MeetingAttendance:
    """Assign one attendee (a committee member, or a working group) to the unit's review meeting."""
    if refusal := may_assign(actor, unit):
        raise NotAllowed([refusal])
    problems = []
    if not attends_on:
        problems.append(_("Give the date of the meeting they attend."))
    group_names, sent_by = group_names.strip(), sent_by.strip()
    if member is None and not group_names:
        problems.append(_("Choose a committee member or write the names of the working group."))
    if member is not None and group_names:
        problems.append(_("Assign either a committee member or a working group, not both at once."))
    if group_names and not sent_by:
        problems.append(_("Say which body sent the working group."))
    if member is not None and not committee_members(unit).filter(pk=member.pk).exists():
        problems.append(
            _(
                "%(name)s holds no seat on a party committee above %(unit)s at the reference date: "
                "only committee members are assigned; the committee's staff update the seats first."
            )
            % {"name": member.full_name, "unit": unit.name}
        )
    if member is not None and is_assigned(unit, member):
        problems.append(_already_assigned(member))
    if problems:
        raise WorkflowError(problems)
    try:
        with transaction.atomic():  # a savepoint: another staff member may assign them meanwhile
            return MeetingAttendance.objects.create(
                season=unit.season,
                unit=unit,
                attends_on=attends_on,
                member=member,
                group_names=group_names,
                sent_by=sent_by,
                assigned_by=actor,
            )
    except IntegrityError:
        if member is None:
            raise
        raise WorkflowError([_already_assigned(member)]) from None


def is_assigned(unit: SeasonUnit, member: Member) -> bool:
    """Read before the assignment; the unique constraint decides when two staff assign at once."""
    return MeetingAttendance.objects.filter(unit=unit, member=member).exists()


def _already_assigned(member: Member) -> str:
    return _("%(name)s is already assigned to this meeting.") % {"name": member.full_name}


def attendees(unit: SeasonUnit) -> list[MeetingAttendance]:
    return list(MeetingAttendance.objects.filter(unit=unit).select_related("member"))


def assignments_of(member: Member | None):
    """The meetings a member is assigned to attend, for their home page."""
    if member is None:
        return MeetingAttendance.objects.none()
    return MeetingAttendance.objects.filter(member=member).select_related("unit", "season")
