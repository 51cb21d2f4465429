"""Sign-in: throttling per (username, IP) and per IP across usernames, session lifetime, CSRF, cookies, password rules."""

import time

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def sign_in(client, username, password, ip="10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_ten_failures_lock_that_username_from_that_ip_for_a_while(client):
    UserFactory(username="an")
    for _ in range(9):
        assert sign_in(client, "an", "wrong-password").status_code == 200
    assert sign_in(client, "an", "wrong-password").status_code == 429  # the tenth failure locks
    locked = sign_in(client, "an", PASSWORD)
    assert locked.status_code == 429
    # Another computer is not locked out, nor is another user from the same computer.
    assert sign_in(Client(), "an", PASSWORD, ip="10.0.0.2").status_code == 302
    UserFactory(username="binh")
    assert sign_in(Client(), "binh", PASSWORD).status_code == 302


def test_one_ip_trying_many_usernames_is_locked_out_whatever_the_username(client, settings):
    """Issue 13 row 8: one password tried against every username from one computer."""
    settings.AXES_IP_FAILURE_LIMIT = 12
    UserFactory(username="an")
    for number in range(11):  # never twice the same username: the per-username lock never acts
        assert sign_in(client, f"user{number}", "wrong-password").status_code == 200
    assert sign_in(client, "user11", "wrong-password").status_code == 429  # the twelfth locks the address
    assert sign_in(client, "an", PASSWORD).status_code == 429  # even a right password, from that address
    assert sign_in(Client(), "an", PASSWORD, ip="10.0.0.2").status_code == 302  # not from another one


def test_signing_in_to_ones_own_account_does_not_reset_the_address_count(client, settings):
    settings.AXES_IP_FAILURE_LIMIT = 6
    UserFactory(username="an")
    for number in range(5):
        sign_in(client, f"user{number}", "wrong-password")
    assert sign_in(Client(), "an", PASSWORD).status_code == 302
    assert sign_in(client, "user5", "wrong-password").status_code == 429


def test_the_lock_lifts_after_fifteen_minutes_never_permanent(client):
    UserFactory(username="an")
    for _ in range(10):
        sign_in(client, "an", "wrong-password")
    assert sign_in(client, "an", PASSWORD).status_code == 429
    assert settings.AXES_COOLOFF_TIME * 60 == 15
    AccessAttempt.objects.update(attempt_time=timezone.now() - timezone.timedelta(minutes=16))
    assert sign_in(client, "an", PASSWORD).status_code == 302


def test_a_session_ends_after_thirty_idle_minutes(client):
    user = UserFactory(username="an")
    client.force_login(user)
    assert client.get(reverse("home")).status_code == 200
    session = client.session
    session["kd_last_seen"] = int(time.time()) - 31 * 60
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_session_ends_after_twelve_hours_even_when_busy(client):
    client.force_login(UserFactory(username="an"))
    client.get(reverse("home"))
    session = client.session
    session["kd_started_at"] = int(time.time()) - 12 * 3600 - 60
    session.save()
    assert client.get(reverse("home")).status_code == 302


def test_forms_need_the_csrf_token(db):
    UserFactory(username="an")
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(reverse("login"), {"username": "an", "password": PASSWORD}).status_code == 403


def test_cookies_are_secure_outside_debug():
    assert not settings.DEBUG
    assert settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE and settings.SESSION_COOKIE_HTTPONLY


def test_weak_passwords_are_refused_in_vietnamese(client):
    user = UserFactory(username="an")
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert response.status_code == 200
    assert "quá ngắn" in response.content.decode() or "quá phổ biến" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_signing_out_needs_a_post(client):
    client.force_login(UserFactory(username="an"))
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
