from django.conf import settings
from django.core.checks import Error, register

from accounts.policy import ADMINISTRATORS
from organizations.models import Role


@register()
def check_otp_required_for(app_configs, **kwargs):
    """A misspelt name in OTP_REQUIRED_FOR would silently leave a role without a second factor."""
    known = {*Role.Kind.values, ADMINISTRATORS}
    return [
        Error(
            f"OTP_REQUIRED_FOR names {name!r}, which is neither a role kind nor {ADMINISTRATORS!r}.",
            hint=f"Use some of: {', '.join(sorted(known))}.",
            id="accounts.E001",
        )
        for name in settings.OTP_REQUIRED_FOR
        if name not in known
    ]
