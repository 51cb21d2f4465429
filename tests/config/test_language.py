"""Vietnamese first: the browser's language does not switch the site; the user's choice does."""

from django.conf import settings
from django.test import Client
from django.urls import reverse


def test_a_browser_set_to_english_still_gets_vietnamese(db):
    page = Client().get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = page.content.decode()
    assert page.status_code == 200 and 'lang="vi"' in html
    assert "Đăng nhập" in html


def test_the_language_chosen_on_the_site_is_kept(db):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert 'lang="en"' in html
