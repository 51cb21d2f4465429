"""The second step of signing in: enrolment, codes, recovery codes, pages blocked until then."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.devices import RECOVERY_CODE_COUNT
from organizations.models import Role
from tests.accounts.conftest import code_now, enrolled, key_of_secret, sign_in
from tests.config.test_url_walk import url_names
from tests.factories import UserFactory, make_user_with_role

pytestmark = pytest.mark.django_db

OPEN = {"otp_verify", "otp_enrol", "logout", "set_language", "javascript-catalog", "healthz"}

WRONG_CODE = "This code is not right. Type the code the app shows now, or a recovery code not used yet."


def verify(client, code, next_url=""):
    return client.post(reverse("otp_verify"), {"code": code, "next": next_url})


def test_without_an_app_every_page_leads_to_enrolment(otp_on, client, staff):
    sign_in(client, "canbo")
    for path in (reverse("home"), reverse("password_change"), "/quan-tri/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("otp_verify"))
    response = client.get(reverse("otp_verify"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("otp_enrol"))
    page = response.content.decode()
    assert "<svg" in page and "<title>" in page  # the QR code, drawn in the page
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    assert key_of_secret(response.context["secret"]) == device.bin_key
    # A reload shows the same secret: the app the user already scanned keeps working.
    assert client.get(reverse("otp_enrol")).context["secret"] == response.context["secret"]


def test_every_page_waits_for_the_code_but_signing_out_and_the_code_pages(otp_on, client, staff):
    sign_in(client, "canbo")
    walked = 0
    for name in sorted(url_names()):
        try:
            url = reverse(name)
        except NoReverseMatch:  # pages of one object: the path alone decides, checked below
            continue
        response = client.get(url)
        if name in OPEN:
            assert not response.get("Location", "").startswith(reverse("otp_verify")), name
            continue
        assert response.status_code == 302 and response["Location"].startswith(reverse("otp_verify")), name
        walked += 1
    assert walked > 10
    for path in ("/to-chuc/1/", "/quan-tri/auth/user/1/change/", "/khong-co/"):
        assert client.get(path)["Location"].startswith(reverse("otp_verify")), path
    assert client.post(reverse("password_change"), {})["Location"].startswith(reverse("otp_verify"))
    fragment = client.get(reverse("home"), headers={"HX-Request": "true"})
    assert fragment["HX-Redirect"].startswith(reverse("otp_verify"))


def test_enrolment_confirms_with_a_code_and_shows_ten_recovery_codes_once(otp_on, client, staff):
    sign_in(client, "canbo")
    secret = client.get(reverse("otp_enrol")).context["secret"]
    response = client.post(reverse("otp_enrol"), {"code": code_now(key_of_secret(secret)), "next": "/"})
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == len(set(codes)) == RECOVERY_CODE_COUNT == 10
    assert all(code in response.content.decode() for code in codes)
    assert TOTPDevice.objects.get(user=staff).confirmed
    assert client.get(reverse("home")).status_code == 200
    # The codes page of the menu tells how many are left and never shows them again.
    page = client.get(reverse("otp_recovery_codes"))
    assert page.context["remaining"] == 10 and not any(code in page.content.decode() for code in codes)


def test_a_wrong_enrolment_code_is_refused_and_the_app_is_not_kept(otp_on, client, staff):
    sign_in(client, "canbo")
    secret = client.get(reverse("otp_enrol")).context["secret"]
    wrong = f"{(int(code_now(key_of_secret(secret))) + 1) % 1_000_000:06d}"
    response = client.post(reverse("otp_enrol"), {"code": wrong})
    assert (
        gettext("This code is not right. Type the code the app shows now (it changes every 30 seconds).")
        in (response.context["form"].errors["code"])
    )
    assert not TOTPDevice.objects.filter(user=staff, confirmed=True).exists()
    assert client.get(reverse("home")).status_code == 302


def test_an_enrolled_user_types_the_apps_code_and_reaches_the_page_asked(otp_on, client, staff, tree):
    device, _codes = enrolled(staff)
    asked = reverse("password_change")
    response = sign_in(client, "canbo", next_url=asked)
    assert response.redirect_chain[-1][0] == f"{reverse('otp_verify')}?next={asked.replace('/', '%2F')}"
    response = verify(client, code_now(device.bin_key), next_url=asked)
    assert response.status_code == 302 and response["Location"] == asked
    assert client.get(asked).status_code == 200


def test_a_wrong_code_is_refused_and_the_next_try_must_wait(otp_on, client, staff, time_machine):
    device, _codes = enrolled(staff)
    sign_in(client, "canbo")
    wrong = f"{(int(code_now(device.bin_key)) + 1) % 1_000_000:06d}"
    assert gettext(WRONG_CODE) in verify(client, wrong).context["form"].errors["code"]
    # Right away even the right code is refused: django-otp's throttling (1, 2, 4 … seconds).
    throttled = verify(client, code_now(device.bin_key))
    waiting = gettext("Too many wrong codes. Wait until %(time)s, then try again.").split("%(time)s")[0]
    assert throttled.context["form"].errors["code"][0].startswith(waiting)
    assert client.get(reverse("home")).status_code == 302
    time_machine.move_to(timezone.now() + datetime.timedelta(seconds=3), tick=True)
    assert verify(client, code_now(device.bin_key)).status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_a_recovery_code_works_once(otp_on, client, staff):
    _device, codes = enrolled(staff)
    sign_in(client, "canbo")
    assert verify(client, codes[0].upper()).status_code == 302  # typed in capitals: still the code
    assert client.get(reverse("home")).status_code == 200
    assert StaticToken.objects.filter(device__user=staff).count() == 9
    client.post(reverse("logout"))
    sign_in(client, "canbo")
    assert gettext(WRONG_CODE) in verify(client, codes[0]).context["form"].errors["code"]
    assert client.get(reverse("home")).status_code == 302


def test_new_recovery_codes_replace_the_old(otp_on, client, staff):
    _device, old = enrolled(staff)
    sign_in(client, "canbo")
    verify(client, old[0])
    response = client.post(reverse("otp_recovery_codes"))
    new = response.context["codes"]
    assert len(new) == 10 and not set(new) & set(old)
    assert set(StaticToken.objects.filter(device__user=staff).values_list("token", flat=True)) == set(new)


def test_a_second_app_cannot_be_enrolled_with_the_password_alone(otp_on, client, staff):
    enrolled(staff)
    sign_in(client, "canbo")
    response = client.get(reverse("otp_enrol"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("otp_verify"))
    assert client.post(reverse("otp_enrol"), {"code": "123456"}).status_code == 302
    assert TOTPDevice.objects.filter(user=staff).count() == 1


def test_the_administration_asks_a_superuser_for_the_code(otp_on, client):
    admin = UserFactory(username="quantri", is_staff=True, is_superuser=True)
    device, _codes = enrolled(admin)
    sign_in(client, "quantri")
    response = client.get("/quan-tri/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("otp_verify"))
    assert verify(client, code_now(device.bin_key), next_url="/quan-tri/")["Location"] == "/quan-tri/"
    assert client.get("/quan-tri/").status_code == 200


def test_an_administrator_resets_a_users_app_in_the_administration(client, staff):
    """Off here, so the administrator's own second step stays out of the way."""
    enrolled(staff)
    client.force_login(UserFactory(username="quantri", is_staff=True, is_superuser=True))
    changelist = reverse("admin:auth_user_changelist")
    response = client.post(
        changelist, {"action": "reset_second_factor_action", "_selected_action": [staff.pk]}, follow=True
    )
    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(user=staff).exists()
    assert not StaticToken.objects.filter(device__user=staff).exists()
    # django-otp's own pages (English, keys and counters) are not offered.
    assert "TOTP" not in client.get(reverse("admin:index")).content.decode()


def test_members_and_everyone_when_switched_off_go_straight_in(settings, client, staff, tree):
    settings.OTP_REQUIRED = True
    make_user_with_role(Role.Kind.MEMBER, tree["cell_a"], username="dangvien")
    assert sign_in(client, "dangvien").redirect_chain[-1][0] == reverse("home")
    assert client.get(reverse("otp_verify")).status_code == 302  # nothing to ask: back home
    client.post(reverse("logout"))
    settings.OTP_REQUIRED = False
    assert sign_in(client, "canbo").redirect_chain[-1][0] == reverse("home")
    assert get_user_model().objects.get(username="canbo").totpdevice_set.count() == 0


@pytest.mark.parametrize("extra_roles", [0, 3])
def test_the_second_factor_pages_run_few_queries(
    otp_on, client, staff, tree, extra_roles, django_assert_max_num_queries
):
    for place in ["base", "other_commune", "province"][:extra_roles]:
        Role.objects.create(user=staff, organization=tree[place], kind=Role.Kind.COMMITTEE_STAFF)
    sign_in(client, "canbo")
    with django_assert_max_num_queries(12):
        assert client.get(reverse("otp_enrol")).status_code == 200
    device, _codes = enrolled(staff)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("otp_verify")).status_code == 200
    verify(client, code_now(device.bin_key))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("otp_recovery_codes")).status_code == 200
