import pytest

from tests.e2e.conftest import (
    HTML_DIR,
    HTMX_ATTRIBUTE_ERROR,
    audit,
    axe_violations,
    login,
    page_check_tests,
    screenshot,
    vnu_errors,
)

pytestmark = pytest.mark.e2e

DEMO_USERS = ["dangvien", "bithu", "dangu", "bantochuc", "tinhuy", "quantri"]


@pytest.mark.parametrize("username", DEMO_USERS)
def test_each_demo_user_signs_in_and_sees_their_home_in_vietnamese(demo_server, page, username):
    login(page, demo_server, username)
    assert page.url.rstrip("/") == demo_server
    assert page.locator("html").get_attribute("lang") == "vi"
    assert "Xin chào" in page.locator("h1").inner_text()
    assert "Đăng xuất" in page.content()
    audit(page, f"home-{username}")
    screenshot(page, f"home-{username}-1280")
    page.set_viewport_size({"width": 375, "height": 800})
    screenshot(page, f"home-{username}-375")


def test_a_wrong_password_is_refused_in_vietnamese(demo_server, page):
    login(page, demo_server, "dangvien", "sai-mat-khau")
    assert "/dang-nhap/" in page.url
    assert "mật khẩu chính xác" in page.locator("main form").inner_text()
    audit(page, "login-refused")


# -- what every page shares (base.html), checked once here and left out of the page checks -------------


def test_the_navigation_bar_is_readable(demo_server, page):
    login(page, demo_server, "dangu")  # the longest menu
    violations = axe_violations(page, {"include": [["header nav.navbar"]]})
    assert not violations, violations


def test_htmx_attributes_are_valid_html(demo_server, page):
    login(page, demo_server, "bithu")
    HTML_DIR.mkdir(parents=True, exist_ok=True)
    path = HTML_DIR / "htmx-attributes-home.html"
    path.write_text(page.content(), encoding="utf-8")
    errors = [
        e["message"] for e in vnu_errors([path])[path.name] if HTMX_ATTRIBUTE_ERROR.search(e["message"])
    ]
    assert not errors, errors


PAGES = [f"home-{username}" for username in DEMO_USERS] + ["login-refused"]
test_page_has_no_serious_accessibility_violation, test_page_is_valid_html = page_check_tests(PAGES)
