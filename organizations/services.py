"""Operations on the party tree. Each one checks its rules, changes the tree and records an
OrganizationChange with its effective date, in one transaction."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.models import Organization, OrganizationChange, check_parent_kind
from organizations.signals import organization_dissolving, organizations_merged


def _check_effective(effective_on: datetime.date) -> None:
    if effective_on > timezone.localdate():
        raise ValidationError(_("The effective date cannot be in the future."))


def _check_alive(organization: Organization) -> None:
    if organization.dissolved_on:
        raise ValidationError(
            _("%(name)s was dissolved on %(date)s.")
            % {"name": organization.name, "date": organization.dissolved_on.strftime("%d/%m/%Y")}
        )


def _live_children(organization: Organization):
    return organization.children().filter(dissolved_on__isnull=True)


@transaction.atomic
def create_organization(
    *,
    code: str,
    name: str,
    kind: str,
    parent: Organization | None = None,
    founded_on: datetime.date | None = None,
    actor=None,
    has_leadership_collective: bool = True,
) -> Organization:
    check_parent_kind(parent=parent, kind=kind)
    if parent is not None:
        _check_alive(parent)
    if Organization.objects.filter(code=code).exists():
        raise ValidationError(
            _("The code %(code)s is already used by another organization.") % {"code": code}
        )
    fields = dict(
        code=code,
        name=name,
        kind=kind,
        founded_on=founded_on,
        has_leadership_collective=has_leadership_collective,
    )
    if parent is None:
        organization = Organization.objects.add_root(create_kwargs=fields)
    else:
        organization = Organization.objects.add_child(
            Organization.objects.get(pk=parent.pk), create_kwargs=fields
        )
    OrganizationChange.objects.create(
        organization=organization,
        action=OrganizationChange.Action.CREATED,
        effective_on=founded_on or timezone.localdate(),
        new_name=name,
        new_parent=parent,
        recorded_by=actor,
    )
    return organization


@transaction.atomic
def rename_organization(
    *, organization: Organization, new_name: str, effective_on: datetime.date, actor=None, reason: str = ""
) -> Organization:
    _check_effective(effective_on)
    _check_alive(organization)
    new_name = new_name.strip()
    if not new_name:
        raise ValidationError(_("The new name is empty."))
    old_name = organization.name
    organization.name = new_name
    organization.save(update_fields=["name"])
    OrganizationChange.objects.create(
        organization=organization,
        action=OrganizationChange.Action.RENAMED,
        effective_on=effective_on,
        old_name=old_name,
        new_name=new_name,
        recorded_by=actor,
        reason=reason,
    )
    return organization


@transaction.atomic
def move_organization(
    *,
    organization: Organization,
    new_parent: Organization,
    effective_on: datetime.date,
    actor=None,
    reason: str = "",
) -> Organization:
    _check_effective(effective_on)
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    new_parent = Organization.objects.select_for_update().get(pk=new_parent.pk)
    _check_alive(organization)
    _check_alive(new_parent)
    check_parent_kind(parent=new_parent, kind=organization.kind)
    if new_parent.path.startswith(organization.path):
        raise ValidationError(
            _("%(name)s cannot be moved under itself or under one of its own subordinates.")
            % {"name": organization.name}
        )
    old_parent = organization.parent()
    if old_parent and old_parent.pk == new_parent.pk:
        raise ValidationError(
            _("%(name)s is already under %(parent)s.")
            % {"name": organization.name, "parent": new_parent.name}
        )
    Organization.objects.move(organization, new_parent, pos="last-child")
    organization.refresh_from_db()
    OrganizationChange.objects.create(
        organization=organization,
        action=OrganizationChange.Action.MOVED,
        effective_on=effective_on,
        old_parent=old_parent,
        new_parent=new_parent,
        recorded_by=actor,
        reason=reason,
    )
    return organization


def dissolve_blockers(organization: Organization, effective_on: datetime.date) -> list[str]:
    reasons = []
    children = list(_live_children(organization).values_list("name", flat=True))
    if children:
        reasons.append(
            _("%(count)d subordinate organizations still exist: %(names)s")
            % {"count": len(children), "names": ", ".join(children)}
        )
    for _receiver, answer in organization_dissolving.send(
        sender=Organization, organization=organization, effective_on=effective_on
    ):
        reasons.extend(answer or [])
    return reasons


@transaction.atomic
def dissolve_organization(
    *, organization: Organization, effective_on: datetime.date, actor=None, reason: str = ""
) -> Organization:
    _check_effective(effective_on)
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    _check_alive(organization)
    blockers = dissolve_blockers(organization, effective_on)
    if blockers:
        raise ValidationError(
            [_("%(name)s cannot be dissolved yet.") % {"name": organization.name}, *blockers]
        )
    organization.dissolved_on = effective_on
    organization.save(update_fields=["dissolved_on"])
    OrganizationChange.objects.create(
        organization=organization,
        action=OrganizationChange.Action.DISSOLVED,
        effective_on=effective_on,
        recorded_by=actor,
        reason=reason,
    )
    return organization


@transaction.atomic
def merge_organizations(
    *, source: Organization, target: Organization, effective_on: datetime.date, actor=None, reason: str = ""
) -> Organization:
    """Merge `source` into `target`: its subordinates and members move to the target, and the
    source is dissolved with a pointer to the target."""
    _check_effective(effective_on)
    source = Organization.objects.select_for_update().get(pk=source.pk)
    target = Organization.objects.select_for_update().get(pk=target.pk)
    if source.pk == target.pk:
        raise ValidationError(_("An organization cannot be merged into itself."))
    _check_alive(source)
    _check_alive(target)
    if source.kind != target.kind:
        raise ValidationError(
            _(
                "Only organizations of the same kind can be merged: %(source)s is a %(source_kind)s, "
                "%(target)s is a %(target_kind)s."
            )
            % {
                "source": source.name,
                "source_kind": source.get_kind_display(),
                "target": target.name,
                "target_kind": target.get_kind_display(),
            }
        )
    if target.path.startswith(source.path):
        raise ValidationError(
            _("%(name)s cannot be merged into one of its own subordinates.") % {"name": source.name}
        )
    for child in list(_live_children(source)):
        move_organization(
            organization=child,
            new_parent=Organization.objects.get(pk=target.pk),
            effective_on=effective_on,
            actor=actor,
            reason=_("Merged from %(name)s") % {"name": source.name},
        )
    source.refresh_from_db()
    organizations_merged.send(
        sender=Organization, source=source, target=target, effective_on=effective_on, actor=actor
    )
    source.dissolved_on = effective_on
    source.merged_into = target
    source.save(update_fields=["dissolved_on", "merged_into"])
    OrganizationChange.objects.create(
        organization=source,
        action=OrganizationChange.Action.MERGED,
        effective_on=effective_on,
        merged_into=target,
        recorded_by=actor,
        reason=reason,
    )
    return target
