from base64 import b32decode

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.devices import issue_recovery_codes
from organizations.models import Role
from tests.factories import PASSWORD, make_user_with_role


def code_now(key: bytes, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows for this key now (django-otp's own TOTP)."""
    return f"{totp(key, drift=steps_ahead):06d}"


def key_of_secret(secret_text: str) -> bytes:
    """The key an app reads from the secret typed by hand (base32, in groups)."""
    return b32decode(secret_text.replace(" ", ""))


def enrolled(user) -> tuple[TOTPDevice, list[str]]:
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    return device, issue_recovery_codes(user=user)


def sign_in(client, username: str, next_url: str = ""):
    data = {"username": username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("login"), data, follow=True)


@pytest.fixture
def otp_on(settings):
    settings.OTP_REQUIRED = True
    return settings


@pytest.fixture
def staff(tree):
    return make_user_with_role(Role.Kind.COMMITTEE_STAFF, tree["commune"], username="canbo")
