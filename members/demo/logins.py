"""The demo logins: who signs in as what, their users and roles, and `demo_logins` to list the
ones present in the database."""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils.translation import gettext as _

from members.demo.constants import DEMO_PASSWORD
from members.demo.plan_types import DemoPlan
from members.demo_days import DemoDays
from members.models import Member
from organizations.models import Role

# Who signs in, as what. For Vietnamese names the family and middle names go in first_name and
# the given name in last_name, so that Django's get_full_name() reads "Nguyễn Văn An".
LOGINS = (
    ("dangvien", Role.Kind.MEMBER),
    ("bithu", Role.Kind.CELL_SECRETARY),
    ("dangu", Role.Kind.COMMITTEE_STAFF),
    ("bantochuc", Role.Kind.COMMITTEE_STAFF),
    ("tinhuy", Role.Kind.PROVINCIAL_BOARD),
    ("quantri", None),
)


def _write_logins(plan: DemoPlan) -> None:
    User = get_user_model()
    password = make_password(DEMO_PASSWORD)
    commune = plan.base.parent

    def login(username, first_name, last_name, *, admin=False):
        user, _created = User.objects.update_or_create(
            username=username,
            defaults={
                "password": password,
                "first_name": first_name,
                "last_name": last_name,
                "is_active": True,
                "is_staff": admin,
                "is_superuser": admin,
            },
        )
        return user

    roles = []
    for username, person in (("dangvien", plan.dangvien), ("bithu", plan.bithu)):
        user = login(username, f"{person.family} {person.middle}", person.given)
        Member.objects.filter(pk=person.id).update(user=user)
        roles.append(Role(user=user, organization_id=plan.login_cell.id, kind=Role.Kind.MEMBER))
        if person is plan.bithu:
            roles.append(
                Role(
                    user=user,
                    organization_id=plan.login_cell.id,
                    kind=Role.Kind.CELL_SECRETARY,
                    title="Bí thư chi bộ",
                )
            )
    staff = (
        ("dangu", "Lê Thị Thu", "Hà", plan.base, Role.Kind.COMMITTEE_STAFF, "Văn phòng Đảng ủy"),
        ("bantochuc", "Phạm Quang", "Huy", commune, Role.Kind.COMMITTEE_STAFF, "Ban Xây dựng Đảng"),
        ("tinhuy", "Bùi Thị Thanh", "Hương", plan.root, Role.Kind.PROVINCIAL_BOARD, "Ban Tổ chức Tỉnh ủy"),
    )
    for username, first_name, last_name, org, kind, title in staff:
        user = login(username, first_name, last_name)
        roles.append(Role(user=user, organization_id=org.id, kind=kind, title=title))
    for role in roles:
        role.starts_on = roles_start(plan.days)
    Role.objects.bulk_create(roles)
    login("quantri", "Quản trị", "viên", admin=True)


def roles_start(days: DemoDays) -> datetime.date:
    """The demo's people took up their roles at the start of the year under review."""
    return datetime.date(days.year, 1, 1)


def demo_logins() -> list[tuple[str, str, str, str]]:
    """(username, password, role, organization) of the demo logins present in the database."""
    users = {
        user.username: user for user in get_user_model().objects.filter(username__in=[u for u, _k in LOGINS])
    }
    rows = []
    for username, kind in LOGINS:
        user = users.get(username)
        if user is None:
            continue
        if kind is None:
            rows.append((username, DEMO_PASSWORD, _("Administrator (superuser)"), "—"))
            continue
        role = Role.objects.filter(user=user, kind=kind).select_related("organization").first()
        rows.append(
            (username, DEMO_PASSWORD, str(Role.Kind(kind).label), role.organization.name if role else "—")
        )
    return rows
