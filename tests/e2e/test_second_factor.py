"""The second step of signing in, in Chromium, on a server with the second factor on (as in
production): the commune committee's staff (`bantochuc`) enrols an authenticator app from the
key printed under the QR code, keeps the recovery codes, lands on the home page, signs out and
signs in again with the app's code."""

from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from tests.e2e.conftest import audit, login, page_check_tests, press, running_server

pytestmark = pytest.mark.e2e


def app_code(secret_text: str, steps_ahead: int = 0) -> str:
    """What an authenticator app holding this key shows. The server runs at the real time, not
    at the suite's day under test (tests/clock.py), so the code is computed at the real time."""
    import time_machine

    totp = TOTP(b32decode(secret_text.replace(" ", "")))
    totp.time = time_machine.escape_hatch.time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


@pytest.fixture(scope="module")
def otp_server(server_env):
    with pytest.MonkeyPatch.context() as env:
        env.setenv("OTP_REQUIRED", "true")
        with running_server(server_env, "second_factor") as server:
            yield server


def sign_out(page):
    page.locator("#main-nav .dropdown-toggle").click()
    press(page, page.locator("#main-nav form[action$='/dang-xuat/'] button"))


def test_enrol_with_the_printed_key_then_sign_in_again_with_the_apps_code(otp_server, page):
    login(page, otp_server.base_url, "bantochuc")
    assert "/dang-nhap/cai-dat-xac-minh/" in page.url
    expect(page.locator(".otp-qr svg")).to_be_visible()
    audit(page, "otp-enrol")
    secret = page.locator("#otp-secret").inner_text()
    page.fill("input[name=code]", app_code(secret))
    press(page, page.locator("#otp-form button[type=submit]"))

    codes = page.locator("ol.recovery-codes li")
    expect(codes).to_have_count(10)
    audit(page, "otp-recovery-codes")
    press(page, page.locator("main a.btn-primary"))
    assert page.url.rstrip("/") == otp_server.base_url
    assert "Xin chào" in page.locator("h1").inner_text()
    assert not page.js_errors, page.js_errors

    sign_out(page)
    login(page, otp_server.base_url, "bantochuc")
    assert "/dang-nhap/ma-xac-minh/" in page.url
    audit(page, "otp-verify")
    # The code of the enrolment cannot serve twice; the app's next code is accepted too.
    page.fill("input[name=code]", app_code(secret, steps_ahead=1))
    press(page, page.locator("#otp-form button[type=submit]"))
    assert page.url.rstrip("/") == otp_server.base_url
    assert "Xin chào" in page.locator("h1").inner_text()


PAGES = ["otp-enrol", "otp-recovery-codes", "otp-verify"]
test_page_has_no_serious_accessibility_violation, test_page_is_valid_html = page_check_tests(PAGES)
