"""The second step of signing in: enrol a phone app, type its code (or a recovery code), and
manage the recovery codes. The rules are in accounts.policy and accounts.devices."""

import django_otp
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.devices import (
    confirm_enrolment,
    confirmed_totp_device,
    issue_recovery_codes,
    pending_totp_device,
    qr_svg,
    remaining_recovery_codes,
    secret_text,
    verify_second_factor,
)
from accounts.forms import CodeForm
from accounts.policy import is_verified, second_factor_required
from config.redirects import site_path


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next")
    return site_path(request, candidate) or resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


def _refusal(result, wrong: str) -> str:
    if result.locked_until is not None:
        moment = formats.time_format(timezone.localtime(result.locked_until), "H:i:s")
        return _("Too many wrong codes. Wait until %(time)s, then try again.") % {"time": moment}
    return wrong


def _mark_verified(request, device) -> None:
    request.session.cycle_key()
    django_otp.login(request, device)


def _show_codes(request, codes: list[str], next_url: str):
    return render(request, "accounts/otp_codes.html", {"codes": codes, "next": next_url})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    user, next_url = request.user, _next_url(request)
    if is_verified(user) or not second_factor_required(user):
        return redirect(next_url)
    if confirmed_totp_device(user) is None:
        return redirect(_with_next("otp_enrol", next_url))
    form = CodeForm(
        request.POST or None, help_text=_("The 6 digits the app shows, or one of your recovery codes.")
    )
    if form.is_valid():
        result = verify_second_factor(user=user, code=form.cleaned_data["code"])
        if result.device is not None:
            _mark_verified(request, result.device)
            return redirect(next_url)
        wrong = _("This code is not right. Type the code the app shows now, or a recovery code not used yet.")
        form.add_error("code", _refusal(result, wrong))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": next_url})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def enrol(request):
    user, next_url = request.user, _next_url(request)
    if not second_factor_required(user):
        return redirect(next_url)
    if confirmed_totp_device(user) is not None:
        # A second phone needs an administrator's reset: whoever holds the password alone must
        # not be able to replace the app.
        return redirect(_with_next("otp_verify", next_url))
    form = CodeForm(request.POST or None, help_text=_("The 6 digits the app shows for Kiểm điểm."))
    if form.is_valid():
        result = confirm_enrolment(user=user, code=form.cleaned_data["code"])
        if result.device is not None:
            codes = issue_recovery_codes(user=user)
            _mark_verified(request, result.device)
            return _show_codes(request, codes, next_url)
        wrong = _("This code is not right. Type the code the app shows now (it changes every 30 seconds).")
        form.add_error("code", _refusal(result, wrong))
    device = pending_totp_device(user)
    context = {
        "form": form,
        "next": next_url,
        "qr": qr_svg(device, title=_("QR code to scan with the authenticator app")),
        "secret": secret_text(device),
    }
    return render(request, "accounts/otp_enrol.html", context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def recovery_codes(request):
    """A verified user sees how many recovery codes are left and may replace them all."""
    user = request.user
    if not is_verified(user):  # the second factor is not asked of this user (accounts.policy)
        return redirect(settings.LOGIN_REDIRECT_URL)
    if request.method == "POST":
        return _show_codes(request, issue_recovery_codes(user=user), resolve_url(settings.LOGIN_REDIRECT_URL))
    return render(request, "accounts/otp_recovery.html", {"remaining": remaining_recovery_codes(user)})
