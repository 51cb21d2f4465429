import datetime
import itertools

import factory
from django.contrib.auth import get_user_model

from members.models import Gender, Member
from members.services import create_member
from organizations.models import Kind, Organization, Role
from organizations.services import create_organization
from tests.clock import ROLES_FROM

PASSWORD = "Kiemdiem@2026"
_codes = itertools.count(1)


def make_org(kind: str = Kind.CELL, parent: Organization | None = None, name: str | None = None, **kw):
    number = next(_codes)
    return create_organization(
        code=kw.pop("code", f"T{number:05d}"),
        name=name or f"{Kind(kind).label} {number}",
        kind=kind,
        parent=parent,
        founded_on=kw.pop("founded_on", datetime.date(2000, 1, 1)),
        **kw,
    )


def make_tree():
    """A small province: two committees, base organizations, partial committees, cells."""
    province = make_org(Kind.PROVINCIAL_COMMITTEE, name="Tỉnh ủy Thử nghiệm", code="TINH")
    commune = make_org(Kind.DIRECT_COMMITTEE, province, name="Đảng ủy xã An Bình", code="XA1")
    other_commune = make_org(Kind.DIRECT_COMMITTEE, province, name="Đảng ủy xã Bình Minh", code="XA2")
    base = make_org(Kind.BASE_COMMITTEE, commune, name="Đảng bộ Trường THPT An Bình", code="CS1")
    partial = make_org(Kind.PARTIAL_COMMITTEE, base, name="Đảng bộ bộ phận Khối A", code="BP1")
    cell_a = make_org(Kind.CELL, partial, name="Chi bộ Tổ Toán", code="CB1")
    cell_b = make_org(Kind.CELL, base, name="Chi bộ Tổ Văn", code="CB2")
    other_base = make_org(Kind.BASE_CELL, other_commune, name="Chi bộ Thôn Đông", code="CS2")
    return {
        "province": province,
        "commune": commune,
        "other_commune": other_commune,
        "base": base,
        "partial": partial,
        "cell_a": cell_a,
        "cell_b": cell_b,
        "other_base": other_base,
    }


_cards = itertools.count(10_000_001)


def make_member(cell: Organization, family="Nguyễn", middle="Văn", given="An", **fields) -> Member:
    values = dict(
        family_name=family,
        middle_name=middle,
        given_name=given,
        gender=Gender.MALE,
        birth_date=datetime.date(1980, 5, 17),
        card_number=str(next(_cards)),
        admitted_on=datetime.date(2005, 3, 2),
        official_on=datetime.date(2006, 3, 2),
        cell=cell,
    )
    values.update(fields)
    return create_member(**values)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password(PASSWORD)


def make_user_with_role(kind: str, organization: Organization, username: str | None = None, **kw):
    user = UserFactory(username=username) if username else UserFactory()
    kw.setdefault("starts_on", ROLES_FROM)
    Role.objects.create(user=user, organization=organization, kind=kind, **kw)
    return user
