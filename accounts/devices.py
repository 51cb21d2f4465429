"""The user's second-factor devices (django-otp): one TOTP app on a phone and one set of recovery
codes (a static device). Every verification goes through the device's own throttling: after a
wrong code the next try must wait 1, 2, 4, 8 … seconds (OTP_*_THROTTLE_FACTOR)."""

import datetime
import re
from base64 import b32encode
from dataclasses import dataclass

import segno
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODE_COUNT = 10
_TOTP_CODE = re.compile(r"^\d{6}$")


@dataclass(frozen=True)
class Verification:
    device: object | None = None
    locked_until: datetime.datetime | None = None


def normalize_code(code: str) -> str:
    """What the user typed, without the spaces and dashes people put in codes."""
    return re.sub(r"[\s-]", "", code or "").lower()


def confirmed_totp_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_totp_device(user) -> TOTPDevice:
    """The device being enrolled: kept between page loads so the QR code does not change."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)


def _check(device, token: str) -> Verification:
    """Verify a token on a device locked for update (throttling counts each failure once)."""
    allowed, details = device.verify_is_allowed()
    if not allowed:
        return Verification(locked_until=(details or {}).get("locked_until"))
    return Verification(device=device if device.verify_token(token) else None)


def confirm_enrolment(*, user, code: str) -> Verification:
    """The first code from the phone proves the app holds the secret; the device then counts."""
    token = normalize_code(code)
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("pk").first()
        )
        if device is None:
            return Verification()
        result = _check(device, token)
        if result.device is not None:
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            device.confirmed = True
            device.save(update_fields=["confirmed"])
        return result


def verify_second_factor(*, user, code: str) -> Verification:
    """A six-digit code is checked against the phone app, anything else against the recovery
    codes (a recovery code works once: django-otp deletes it when it matches)."""
    token = normalize_code(code)
    model = TOTPDevice if _TOTP_CODE.match(token) else StaticDevice
    with transaction.atomic():
        device = model.objects.select_for_update().filter(user=user, confirmed=True).first()
        if device is None:
            return Verification()
        return _check(device, token)


def issue_recovery_codes(*, user) -> list[str]:
    """Replace the user's recovery codes with RECOVERY_CODE_COUNT new ones (the old stop working)."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=_("Recovery codes"), confirmed=True)
        codes = [StaticToken.random_token() for _i in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def remaining_recovery_codes(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def reset_second_factor(*, user) -> None:
    """Forget the user's phone app and recovery codes: the next sign-in enrols again."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()


def secret_text(device: TOTPDevice) -> str:
    """The secret as the apps take it when typed (base32), in groups of four."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice, *, title: str) -> str:
    """The otpauth:// address as an inline SVG QR code (drawn here: no outside service sees it)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, light="#fff", title=title)
