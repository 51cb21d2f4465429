from config.nav_links import frame_links
from reviews.views.common import current_season
from reviews.views.notifications import unread_count


def season(request):
    """The user's current season and unread notifications, for the navigation (none when the user was read by accounts/backends.py and the page named an open season), and the frame's links."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"links": frame_links(None)}
    # Read with the user (accounts/backends.py). getattr, not user.__dict__: request.user is a lazy
    # wrapper (django-otp's middleware), whose own __dict__ never holds the annotation.
    unread = getattr(user, "kd_unread", False)
    current = current_season(user)
    return {
        "current_season": current,
        "links": frame_links(current.pk if current else None),
        "unread_count": unread_count(user) if unread is False else (unread or 0),
    }
