"""Issue "Province-scale speed": the navigation's unread badge costs no query of its own — the
count comes with the signed-in user (accounts/backends.py), through the lazy `request.user` that
django-otp's middleware puts in place."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.reviews.conftest import world  # noqa: F401
from tests.reviews.views.test_dashboard_pages import note

COUNT_QUERY = 'SELECT COUNT(*) AS "__count" FROM "reviews_notification"'


def _unread_counts(sql: list[str]) -> list[str]:
    """The queries that count unread notifications on their own (not the page's paginator)."""
    return [q for q in sql if q.startswith(COUNT_QUERY) and '"read_at" IS NULL' in q]


def _get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, [q["sql"] for q in queries.captured_queries]


def test_the_unread_badge_is_read_with_the_user_not_by_a_query_of_its_own(client, world):  # noqa: F811
    w = world
    first = note(w.secretary, "Một")
    note(w.secretary, "Hai")
    note(w.secretary, "Đã đọc", read=True)
    client.force_login(w.secretary)
    for url in (reverse("home"), reverse("reviews:notifications", args=[w.season.pk])):
        response, sql = _get(client, url)
        assert response.context["unread_count"] == 2, url
        assert not _unread_counts(sql), url
    client.post(reverse("reviews:notification-read", args=[w.season.pk, first.pk]))
    response, _sql = _get(client, reverse("home"))
    assert response.context["unread_count"] == 1  # the next request reads the new count


def test_a_user_without_notifications_shows_no_badge(client, world):  # noqa: F811
    client.force_login(world.secretary)
    response, sql = _get(client, reverse("home"))
    assert response.context["unread_count"] == 0
    assert not _unread_counts(sql)
