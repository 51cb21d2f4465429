"""A save sent in place after the session ended (an item of the form saving itself, a row of the
meeting) is answered 401 with what to do, and saves nothing: followed to the sign-in page, htmx put
that page where the save's answer goes and the page counted the item as saved while nothing was
(config/middleware.py, SignInAgainMiddleware). Pages visited without htmx still go to sign in."""

import time

import pytest
from django.urls import reverse

from tests.reviews.helpers import fresh
from tests.reviews.views.test_member_pages import HTMX, url

pytestmark = pytest.mark.django_db


def ended(client):
    """The session's last request 31 minutes ago: the next one ends it (SessionLifetimeMiddleware)."""
    session = client.session
    session["kd_last_seen"] = int(time.time()) - 31 * 60
    session.save()


def test_an_autosave_after_the_session_ended_is_refused_with_401_and_saves_nothing(world, client):
    w = world
    subject = w.subject(member=w.deputy)
    client.force_login(w.member_user)
    save = url("form-save", w, subject)
    assert client.post(save, {"key": "II.1", "text": "Bản đầu"}, headers=HTMX).status_code == 200
    ended(client)
    response = client.post(save, {"key": "II.1", "text": "Bản sửa chưa lưu"}, headers=HTMX)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode() == (
        "Phiên làm việc đã kết thúc nên nội dung này chưa được lưu. Đồng chí đăng nhập lại rồi lưu lại."
    )
    assert fresh(subject).form.answers["II.1"] == {"text": "Bản đầu"}
    # Signed out: the next save, never signed in again, is refused the same way (login_required).
    response = client.post(save, {"key": "II.1", "text": "Lần nữa"}, headers=HTMX)
    assert response.status_code == 401 and fresh(subject).form.answers["II.1"] == {"text": "Bản đầu"}


def test_without_htmx_the_visitor_is_still_sent_to_sign_in(world, client):
    w = world
    subject = w.subject(member=w.deputy)
    save = url("form-save", w, subject)
    response = client.post(save, {"key": "II.1", "text": "x"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    page = client.get(url("form", w, subject), headers=HTMX)
    assert page.status_code == 401  # an htmx GET too: never the sign-in page inside another
    client.force_login(w.member_user)
    assert client.post(save, {"key": "II.1", "text": "x"}, headers=HTMX).status_code == 200


def test_a_meeting_row_saved_after_the_session_ended_is_refused_with_401(world, client):
    w = world
    client.force_login(w.secretary)
    row = w.subject(member=w.members1[2])
    ended(client)
    response = client.post(
        reverse("reviews:meeting_row", args=[w.season.pk, "CB1", row.pk]),
        {"comment": "Nhận xét"},
        headers=HTMX,
    )
    assert response.status_code == 401
