import pytest

from tests.e2e.conftest import login, screenshot

pytestmark = pytest.mark.e2e

DEMO_USERS = ["dangvien", "bithu", "dangu", "bantochuc", "tinhuy"]


@pytest.mark.parametrize("username", DEMO_USERS)
def test_each_demo_user_signs_in_and_sees_their_home_in_vietnamese(demo_server, page, username):
    login(page, demo_server, username)
    assert page.url.rstrip("/") == demo_server
    assert page.locator("html").get_attribute("lang") == "vi"
    assert "Xin chào" in page.locator("h1").inner_text()
    assert "Đăng xuất" in page.content()
    screenshot(page, f"home-{username}-1280")
    page.set_viewport_size({"width": 375, "height": 800})
    screenshot(page, f"home-{username}-375")


def test_a_wrong_password_is_refused_in_vietnamese(demo_server, page):
    login(page, demo_server, "dangvien", "sai-mat-khau")
    assert "/dang-nhap/" in page.url
    assert "mật khẩu chính xác" in page.locator("main form").inner_text()
