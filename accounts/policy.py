"""Who must prove a second factor (a TOTP code or a recovery code) after the password.

OTP_REQUIRED switches the rule on (the production default, off in the embedded demo of
`make run`). OTP_REQUIRED_FOR lists who it covers: role kinds of organizations.models.Role.Kind
(by default the roles that decide, cancel or reopen ratings: committee staff and the provincial
organization board) and ADMINISTRATORS, the users who may enter the administration (is_staff or
is_superuser). A role counts while it is in force today.
"""

from django.conf import settings

from organizations.access import todays_roles

ADMINISTRATORS = "admin"


def second_factor_required(user) -> bool:
    if not settings.OTP_REQUIRED or not getattr(user, "is_authenticated", False):
        return False
    required = frozenset(settings.OTP_REQUIRED_FOR)
    if ADMINISTRATORS in required and (user.is_staff or user.is_superuser):
        return True
    return any(role.kind in required for role in todays_roles(user))


def is_verified(user) -> bool:
    """The session proved a second factor (django-otp's OTPMiddleware sets `is_verified`)."""
    return bool(getattr(user, "is_verified", lambda: False)())
