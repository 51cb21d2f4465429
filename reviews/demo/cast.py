"""Who acts on the staged part of the province: the demo logins, the login cell, and the base and
commune organizations above it."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from members.models import Member
from organizations.models import Organization, Role


@dataclass
class Cast:
    """Who acts on the staged part of the province."""

    admin: object
    dangvien: Member
    bithu: object
    dangu: object
    bantochuc: object
    tinhuy: object
    login_cell: Organization
    base: Organization
    commune: Organization


def _cast() -> Cast:
    users = {
        u.username: u
        for u in get_user_model().objects.filter(
            username__in=["quantri", "bithu", "dangu", "bantochuc", "tinhuy"]
        )
    }
    dangvien = Member.objects.select_related("cell").get(user__username="dangvien")
    base = Role.objects.get(user=users["dangu"], kind=Role.Kind.COMMITTEE_STAFF).organization
    commune = Role.objects.get(user=users["bantochuc"], kind=Role.Kind.COMMITTEE_STAFF).organization
    return Cast(
        users["quantri"],
        dangvien,
        users["bithu"],
        users["dangu"],
        users["bantochuc"],
        users["tinhuy"],
        dangvien.cell,
        base,
        commune,
    )
