from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.devices import reset_second_factor


@admin.action(description=_("Reset the second factor (phone app and recovery codes)"), permissions=["change"])
def reset_second_factor_action(modeladmin, request, queryset):
    """For a user who lost the phone: the next sign-in asks them to set up the app again."""
    users = list(queryset)
    for user in users:
        reset_second_factor(user=user)
    modeladmin.message_user(
        request,
        ngettext(
            "The second factor of %(count)d user was reset: they set up the app again at their next sign-in.",
            "The second factor of %(count)d users was reset: they set up the app again at their next sign-in.",
            len(users),
        )
        % {"count": len(users)},
        messages.SUCCESS,
    )
