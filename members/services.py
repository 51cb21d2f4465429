"""Operations on members: each keeps the status and cell history in step with the member row."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import CellPeriod, Member, Pledge, PledgeItem, StatusPeriod
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
        # Periods are inclusive; one that starts and is replaced on the same day ends up empty.
        current.ends_on = starts_on - datetime.timedelta(days=1)
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


# -- the annual pledge (R-FORM-5) -------------------------------------------------------------


class PledgeError(ValidationError):
    pass


@transaction.atomic
def save_pledge(*, member: Member, year: int, items: list[dict]) -> Pledge:
    """Replace the items of a draft pledge; a submitted or acknowledged pledge is not edited."""
    pledge, _created = Pledge.objects.select_for_update().get_or_create(member=member, year=year)
    if pledge.state != Pledge.State.DRAFT:
        raise PledgeError(
            _("The pledge for %(year)s has been submitted and can no longer be edited.") % {"year": year}
        )
    cleaned = [i for i in items if str(i.get("text", "")).strip()]
    for item in cleaned:
        if item.get("category") not in PledgeItem.Category.values:
            raise PledgeError(_("Choose a category for every commitment."))
    pledge.items.all().delete()
    PledgeItem.objects.bulk_create(
        [
            PledgeItem(
                pledge=pledge,
                category=i["category"],
                text=i["text"].strip(),
                target=str(i.get("target", "")).strip(),
                order=n,
            )
            for n, i in enumerate(cleaned)
        ]
    )
    return pledge


@transaction.atomic
def submit_pledge(*, pledge) -> Pledge:
    pledge = Pledge.objects.select_for_update().get(pk=pledge.pk)
    if pledge.state != Pledge.State.DRAFT:
        raise PledgeError(_("The pledge has already been submitted."))
    if not pledge.items.exists():
        raise PledgeError(_("Write at least one commitment before submitting the pledge."))
    present = set(pledge.items.values_list("category", flat=True))
    missing = [str(label) for value, label in PledgeItem.Category.choices if value not in present]
    if missing:
        raise PledgeError(
            _("Add at least one commitment for: %(categories)s.") % {"categories": ", ".join(missing)}
        )
    pledge.state, pledge.submitted_at = Pledge.State.SUBMITTED, timezone.now()
    pledge.save(update_fields=["state", "submitted_at"])
    return pledge


@transaction.atomic
def acknowledge_pledge(*, pledge, actor) -> Pledge:
    """The cell secretary acknowledges the pledge; from then on it is locked."""
    pledge = Pledge.objects.select_for_update().get(pk=pledge.pk)
    if pledge.state != Pledge.State.SUBMITTED:
        raise PledgeError(_("Only a submitted pledge can be acknowledged."))
    pledge.state, pledge.acknowledged_at, pledge.acknowledged_by = (
        Pledge.State.ACKNOWLEDGED,
        timezone.now(),
        actor,
    )
    pledge.save(update_fields=["state", "acknowledged_at", "acknowledged_by"])
    return pledge


@transaction.atomic
def return_pledge(*, pledge, actor) -> Pledge:
    """Send a submitted pledge back to its author for changes."""
    pledge = Pledge.objects.select_for_update().get(pk=pledge.pk)
    if pledge.state != Pledge.State.SUBMITTED:
        raise PledgeError(_("Only a submitted pledge can be returned."))
    pledge.state, pledge.submitted_at = Pledge.State.DRAFT, None
    pledge.save(update_fields=["state", "submitted_at"])
    return pledge
