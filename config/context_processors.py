from reviews.views.common import current_season
from reviews.views.dashboard import unread_count


def season(request):
    """The user's current season and unread notifications, for the navigation (none when the user was read by accounts/backends.py and the page named an open season)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    unread = user.__dict__.get("kd_unread", False)  # read with the user (accounts/backends.py)
    return {
        "current_season": current_season(user),
        "unread_count": unread_count(user) if unread is False else (unread or 0),
    }
