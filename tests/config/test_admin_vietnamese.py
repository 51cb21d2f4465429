"""The admin and the sign-in pages in Vietnamese: the texts Django's and django-axes' own vi
catalogues lack (config/vendor_texts.py, the root catalogue) and the event log's names."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.translation import gettext

pytestmark = pytest.mark.django_db

ENGLISH = [
    "Skip to main content",
    "Toggle theme",
    "Toggle navigation",
    "Access attempt",
    "Access failure",
    "Access log",
    "Axes",
    "Events",
    "Event",
    "After you’ve created a user",
    "Password-based authentication",
    "Null characters are not allowed.",
    "Filter navigation items",
    "Attempt Time",
    "IP Address",
]


@pytest.fixture
def admin_client():
    user = get_user_model().objects.create_superuser("quantri", "qt@example.vn", "mat-khau-dai-123")
    client = Client()
    client.force_login(user)
    return client


def english_left(response) -> list[str]:
    html = response.content.decode()
    text = strip_tags(re.sub(r"<script.*?</script>|<style.*?</style>", "", html, flags=re.S))
    attributes = " ".join(re.findall(r'(?:title|aria-label|placeholder)="([^"]*)"', html))
    return [phrase for phrase in ENGLISH if phrase in text or phrase in attributes]


@pytest.mark.parametrize(
    "page",
    [
        "admin:index",
        "admin:axes_accessattempt_changelist",
        "admin:axes_accessfailurelog_changelist",
        "admin:axes_accesslog_changelist",
        "admin:reviews_event_changelist",
        "admin:auth_user_add",
    ],
)
def test_admin_pages_have_no_english_left(admin_client, page):
    response = admin_client.get(reverse(page))
    assert response.status_code == 200
    assert english_left(response) == []


def test_the_admin_index_names_the_event_log_and_login_protection_in_vietnamese(admin_client):
    text = admin_client.get(reverse("admin:index")).content.decode()
    assert "Bảo vệ đăng nhập" in text and "Nhật ký sự kiện" in text
    assert "Chuyển đến nội dung chính" in text


# A NUL byte in any form field is refused by config.middleware.RefuseNulBytesMiddleware before the
# form sees it (issue 13, row 4): a 400 page saying why, in the site's language.
NUL_REFUSED = "The address or the form sent holds a character that is not allowed (NUL)."


def test_a_nul_in_the_username_is_refused_in_vietnamese():
    response = Client().post(reverse("login"), {"username": "an\x00", "password": "x"})
    assert response.status_code == 400
    assert english_left(response) == []
    assert gettext(NUL_REFUSED) in response.content.decode()


def test_a_nul_in_a_new_users_name_is_refused_in_vietnamese(admin_client):
    response = admin_client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "an\x00",
            "password1": "mat-khau-dai-123",
            "password2": "mat-khau-dai-123",
            "usable_password": "true",
        },
    )
    assert response.status_code == 400
    assert english_left(response) == []
    assert gettext(NUL_REFUSED) in response.content.decode()
