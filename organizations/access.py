"""Who may see or change what. Every view and every scoped queryset goes through this module.

Access follows the tree: a role held at an organization covers that organization's subtree
(its path is a prefix of theirs). Objects of other apps take part by exposing
`scope_path()` (the path of the organization they belong to) and, where a person owns them,
`owner_user_id` (a member's own record, pledge or self-review).

Outsiders get 404 (they must not learn that an object exists); users who may see an object but
not change it get 403.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import IntEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from config.kept_reads import KeptRead
from organizations.models import Organization, Role


class Access(IntEnum):
    NONE = 0
    VIEW = 1
    MANAGE = 2


MANAGING_ROLES = frozenset(
    {Role.Kind.CELL_SECRETARY, Role.Kind.CELL_DEPUTY, Role.Kind.COMMITTEE_STAFF, Role.Kind.PROVINCIAL_BOARD}
)
VIEWING_ROLES = frozenset({Role.Kind.COMMITTEE_LEADER})


@dataclass(frozen=True)
class Scope:
    user_id: int | None
    manage_paths: tuple[str, ...] = ()
    view_paths: tuple[str, ...] = ()
    member_cell_paths: tuple[str, ...] = ()
    role_kinds: frozenset[str] = field(default_factory=frozenset)
    everything: bool = False

    def level(self, path: str) -> Access:
        if self.everything or any(path.startswith(p) for p in self.manage_paths):
            return Access.MANAGE
        if any(path.startswith(p) for p in self.view_paths):
            return Access.VIEW
        return Access.NONE

    def is_member_of(self, path: str) -> bool:
        return path in self.member_cell_paths

    def paths_for(self, need: Access) -> tuple[str, ...]:
        return self.manage_paths if need == Access.MANAGE else self.manage_paths + self.view_paths

    def q(self, path_field: str, need: Access = Access.VIEW) -> Q:
        """A filter matching rows whose organization path (at `path_field`) lies in this scope."""
        if self.everything:
            return Q()
        paths = self.paths_for(need)
        if not paths:
            return Q(pk__in=[])
        condition = Q()
        for p in _outermost(paths):
            condition |= Q(**{f"{path_field}__startswith": p})
        return condition

    def filter(self, queryset, path_field: str = "path", need: Access = Access.VIEW):
        return queryset.filter(self.q(path_field, need))

    @property
    def is_staff_anywhere(self) -> bool:
        return self.everything or bool(self.manage_paths or self.view_paths)

    def has_role(self, *kinds: str) -> bool:
        return self.everything or bool(self.role_kinds.intersection(kinds))


def _outermost(paths):
    """Drop paths that lie under another path of the list; the result covers the same rows."""
    kept = []
    for p in sorted(set(paths), key=len):
        if not any(p.startswith(k) for k in kept):
            kept.append(p)
    return kept


def active_roles_on(user_id: int, day: datetime.date):
    """The roles a user holds on `day`, with their organizations."""
    return (
        Role.objects.filter(user_id=user_id, starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .select_related("organization")
    )


_TODAYS_ROLES = KeptRead(active_roles_on, int, datetime.date)


def todays_roles(user, read: Callable[[], list[Role]] | None = None) -> list[Role]:
    """The user's active roles today, read once per user object (so once per request): as the
    signed-in user's read brought them (reviews/signed_in_roles.py), or else by the first caller,
    its own way (`read`: reviews/access.py reads them with the paths of their organizations in a
    season); later callers check that the roles carry what they need."""
    cached = user.__dict__.get("_kd_roles")
    if cached is None:
        given = getattr(user, "_kd_roles_given", None)
        if given is not None:
            roles = given()
        else:
            roles = read() if read else _TODAYS_ROLES.read(user.pk, timezone.localdate())
        cached = user.__dict__["_kd_roles"] = roles
    return cached


def get_scope(user) -> Scope:
    """The user's scope today, computed once per user object (so once per request)."""
    if not getattr(user, "is_authenticated", False):
        return Scope(user_id=None)
    cached = getattr(user, "_kd_scope", None)
    if cached is not None:
        return cached
    manage, view, cells, kinds = [], [], [], set()
    for role in todays_roles(user):
        kinds.add(role.kind)
        path = role.organization.path
        if role.kind in MANAGING_ROLES:
            manage.append(path)
        elif role.kind in VIEWING_ROLES:
            view.append(path)
        elif role.kind == Role.Kind.MEMBER:
            cells.append(path)
    scope = Scope(
        user_id=user.pk,
        manage_paths=tuple(manage),
        view_paths=tuple(view),
        member_cell_paths=tuple(cells),
        role_kinds=frozenset(kinds),
        everything=user.is_superuser,
    )
    user._kd_scope = scope
    return scope


def access_level(user, obj) -> Access:
    return get_scope(user).level(obj.scope_path())


def is_owner(user, obj) -> bool:
    owner = getattr(obj, "owner_user_id", None)
    return owner is not None and owner == getattr(user, "pk", None)


def can_view(user, obj) -> bool:
    return access_level(user, obj) >= Access.VIEW or is_owner(user, obj)


def can_change(user, obj, *, owner_may: bool = False) -> bool:
    return access_level(user, obj) == Access.MANAGE or (owner_may and is_owner(user, obj))


def require_view(user, obj):
    """404 for anyone outside the object's scope."""
    if not can_view(user, obj):
        raise Http404
    return obj


def require_change(user, obj, *, owner_may: bool = False):
    """404 for outsiders; 403 for those who may only look."""
    require_view(user, obj)
    if not can_change(user, obj, owner_may=owner_may):
        raise PermissionDenied
    return obj


def visible_organizations(user, need: Access = Access.VIEW):
    return get_scope(user).filter(Organization.objects.all(), "path", need)


def get_organization_for_user(user, code: str, *, change: bool = False) -> Organization:
    organization = Organization.objects.filter(code=code).first()
    if organization is None:
        raise Http404
    if change:
        return require_change(user, organization)
    return require_view(user, organization)
