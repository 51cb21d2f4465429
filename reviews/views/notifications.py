"""The user's notifications: the list, marking read (one or all), and the count for the badge."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members.models import own_member
from reviews.models import Notification
from reviews.notifications import shown_link
from reviews.views.common import get_season

NOTIFICATIONS_PER_PAGE = 50


def unread_count(user) -> int:
    """How many of the user's notifications are unread (for the badge in the navigation)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def _notifications_page(request):
    notes = (
        Notification.objects.filter(user=request.user)
        .select_related("subject")
        .order_by("-created_at", "-id")
    )
    page = Paginator(notes, NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    for note in page.object_list:
        _with_link(request, note)
    return page


def _with_link(request, note: Notification) -> Notification:
    """The link as this reader follows it (reviews.notifications.shown_link)."""
    member = own_member(request.user)
    note.shown_label, note.shown_link = shown_link(note, member.pk if member else None)
    return note


@login_required
def notification_list(request, season):
    """The user's notifications, newest first, unread ones marked."""
    season = get_season(season)
    page = _notifications_page(request)
    # The badge's count comes with the user (config/context_processors.py): no query of its own.
    return render(request, "reviews/notifications/list.html", {"season": season, "page": page})


@login_required
@require_POST
def notification_read(request, season, pk):
    """Mark one of the user's notifications read (404 for anyone else's)."""
    season = get_season(season)
    note = _with_link(
        request, get_object_or_404(Notification.objects.select_related("subject"), pk=pk, user=request.user)
    )
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    if request.htmx:
        context = {"season": season, "note": note, "unread_count": unread_count(request.user), "oob": True}
        return render(request, "reviews/notifications/_row.html", context)
    return redirect("reviews:notifications", season.pk)


@login_required
@require_POST
def notifications_read_all(request, season):
    season = get_season(season)
    marked = Notification.objects.filter(user=request.user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if request.htmx:
        context = {"season": season, "page": _notifications_page(request), "unread_count": 0, "oob": True}
        return render(request, "reviews/notifications/_list.html", context)
    if marked:
        messages.success(request, _("All notifications marked as read."))
    return redirect("reviews:notifications", season.pk)


urlpatterns = [
    path("thong-bao/", notification_list, name="notifications"),
    path("thong-bao/da-doc-tat-ca/", notifications_read_all, name="notifications-read-all"),
    path("thong-bao/<id:pk>/da-doc/", notification_read, name="notification-read"),
]
