from organizations.access import get_scope
from organizations.models import Role


def _has_member_record(user) -> bool:
    # organizations/ does not import members/: ask the reverse relation (cached on the user).
    return hasattr(user, "member")


def navigation(request):
    """What the navigation bar offers depends on the roles the user holds today."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = get_scope(user)
    return {
        "nav": {
            "is_member": bool(scope.member_cell_paths) or _has_member_record(user),
            "manages": bool(scope.manage_paths) or scope.everything,
            "views_tree": scope.is_staff_anywhere,
            "imports": scope.has_role(Role.Kind.COMMITTEE_STAFF, Role.Kind.PROVINCIAL_BOARD),
            "decides": scope.has_role(
                Role.Kind.COMMITTEE_STAFF, Role.Kind.PROVINCIAL_BOARD, Role.Kind.COMMITTEE_LEADER
            ),
            "prepares_seasons": scope.has_role(Role.Kind.PROVINCIAL_BOARD),
            "is_admin": user.is_staff,
        }
    }
