from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from reviews.views.common import current_season


@login_required
def season_index(request):
    """The season pages start from the home page, which knows the user's current season."""
    if current_season(request.user) is None:
        messages.info(request, _("No review season is open for your organization yet."))
    return redirect("home")
