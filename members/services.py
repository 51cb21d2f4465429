"""Operations on members: each keeps the status and cell history in step with the member row."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from members.models import CellPeriod, Member, StatusPeriod
from organizations.models import Organization


@transaction.atomic
def create_member(*, since: datetime.date | None = None, actor=None, **fields) -> Member:
    member = Member(**fields)
    member.full_clean()
    member.save()
    start = since or member.admitted_on
    StatusPeriod.objects.create(member=member, status=member.status, starts_on=start, recorded_by=actor)
    CellPeriod.objects.create(member=member, cell=member.cell, starts_on=start)
    return member


@transaction.atomic
def change_member_status(
    *,
    member: Member,
    status: str,
    starts_on: datetime.date,
    actor=None,
    note: str = "",
    other_cell: Organization | None = None,
) -> Member:
    member = Member.objects.select_for_update().get(pk=member.pk)
    current = member.status_history.filter(ends_on__isnull=True).order_by("-starts_on").first()
    if current and starts_on < current.starts_on:
        raise ValidationError(
            _("The new status cannot start before the current one (%(date)s).")
            % {"date": current.starts_on.strftime("%d/%m/%Y")}
        )
    if current:
        current.ends_on = (
            starts_on - datetime.timedelta(days=1) if starts_on > current.starts_on else starts_on
        )
        current.save(update_fields=["ends_on"])
    StatusPeriod.objects.create(
        member=member, status=status, starts_on=starts_on, note=note, other_cell=other_cell, recorded_by=actor
    )
    member.status = status
    member.save(update_fields=["status"])
    return member


@transaction.atomic
def transfer_member(*, member: Member, cell: Organization, effective_on: datetime.date, actor=None) -> Member:
    """Move a member to another cell inside the province (the receiving cell rates them, R-SCOPE-4)."""
    if not cell.is_cell:
        raise ValidationError(_("%(name)s is not a party cell.") % {"name": cell.name})
    if cell.dissolved_on:
        raise ValidationError(_("%(name)s has been dissolved.") % {"name": cell.name})
    if member.cell_id == cell.pk:
        raise ValidationError(_("%(member)s is already in %(cell)s.") % {"member": member, "cell": cell.name})
    move_members(members=Member.objects.filter(pk=member.pk), cell=cell, effective_on=effective_on)
    member.refresh_from_db()
    return member


def move_members(*, members, cell: Organization, effective_on: datetime.date) -> int:
    """Close each member's open cell period and open one at `cell`; set the current cell."""
    ids = list(members.values_list("id", flat=True))
    if not ids:
        return 0
    day_before = effective_on - datetime.timedelta(days=1)
    CellPeriod.objects.filter(member_id__in=ids, ends_on__isnull=True).update(ends_on=day_before)
    CellPeriod.objects.bulk_create(
        [CellPeriod(member_id=member_id, cell=cell, starts_on=effective_on) for member_id in ids]
    )
    return Member.objects.filter(id__in=ids).update(cell=cell)
