from reviews.views.common import current_season
from reviews.views.dashboard import unread_count


def season(request):
    """The user's current season and unread notifications, for the navigation (two queries)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"current_season": current_season(user), "unread_count": unread_count(user)}
