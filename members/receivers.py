"""members/ takes part in tree operations (see organizations/signals.py)."""

from django.dispatch import receiver
from django.utils.translation import gettext as _

from members.models import Member
from members.services import move_members
from organizations.signals import organization_dissolving, organizations_merged


@receiver(organization_dissolving)
def members_block_dissolving(sender, organization, effective_on, **kwargs):
    count = Member.objects.filter(cell=organization).on_roll().count()
    if count:
        return [_("%(count)d party members are still on its roll; transfer them first.") % {"count": count}]
    return []


@receiver(organizations_merged)
def members_follow_merge(sender, source, target, effective_on, actor, **kwargs):
    if source.is_cell:
        move_members(members=Member.objects.filter(cell=source), cell=target, effective_on=effective_on)
