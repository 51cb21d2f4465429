"""The session ends while a member is writing her review: the item she changes is not saved, and
the page says so instead of showing the sign-in page inside the item and counting it as saved
(it did: htmx followed the redirect to sign in). She signs in again in another tab and comes
back: the item is sent again, with the token the new sign-in gave, and saved."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login, press, settle

pytestmark = pytest.mark.e2e

ADDED = " Bổ sung: đã hướng dẫn hai đảng viên mới viết bản kiểm điểm."


def test_a_save_after_the_session_ended_is_kept_and_sent_again_after_signing_in(fresh_server, open_as):
    page = open_as(fresh_server, "dangvien")
    press(page, page.locator("section[aria-labelledby=my-tasks] a[href$='/phieu/']"))
    expect(page).to_have_url(re.compile(r"/ky-kiem-diem/\d+/phieu/\d+/$"))
    form = page.locator(".tab-pane.active form[data-autosave]:has(textarea)").first
    text = form.locator("textarea").first
    typed = text.input_value() + ADDED

    # The session ends on the server (its cookie gone, as after 30 idle minutes).
    context = page.context
    kept = [c for c in context.cookies() if c["name"] != "sessionid"]
    context.clear_cookies()
    context.add_cookies(kept)

    text.fill(typed)
    status = form.locator(".save-status")
    expect(status).to_contain_text("phiên làm việc đã kết thúc")
    expect(form).to_have_attribute("data-failed", "1")
    expect(form.locator("input[name=username]")).to_have_count(0)  # no sign-in page inside the item
    banner = page.locator("#signed-out")
    expect(banner).to_be_visible()
    expect(banner.get_by_role("link", name="Đăng nhập lại (mở thẻ mới)")).to_have_attribute(
        "target", "_blank"
    )
    expect(text).to_have_value(typed)

    # Signed in again in another tab (a new session and a new form token), then back here.
    other = context.new_page()
    login(other, fresh_server.base_url, "dangvien")
    other.close()
    page.bring_to_front()
    page.evaluate("window.dispatchEvent(new Event('focus'))")
    expect(status.locator("[data-save-state]")).to_have_attribute("data-save-state", "saved")
    expect(form).to_have_attribute("data-failed", "0")
    expect(banner).to_be_hidden()

    page.reload()
    expect(
        page.locator(".tab-pane.active form[data-autosave]:has(textarea)").first.locator("textarea").first
    ).to_have_value(typed)


def test_the_notice_stays_until_every_item_sent_while_signed_out_is_saved(fresh_server, open_as):
    """Two items are changed after the session ended. Back on the page after signing in again, both
    are sent again: one is saved, the other's request is lost on the way (the network). The notice
    stays while that one is unsaved, and goes once it is sent again and saved."""
    page = open_as(fresh_server, "dangvien")
    press(page, page.locator("section[aria-labelledby=my-tasks] a[href$='/phieu/']"))
    forms = page.locator(".tab-pane.active form[data-autosave]:has(textarea)")
    first, second = forms.nth(0), forms.nth(1)
    context = page.context
    kept = [c for c in context.cookies() if c["name"] != "sessionid"]
    context.clear_cookies()
    context.add_cookies(kept)

    lost = "Lost-on-the-way"  # in the second item's text, to pick its request out
    for form, added in ((first, " Bổ sung một."), (second, f" {lost}.")):
        text = form.locator("textarea").first
        text.fill(text.input_value() + added)
        text.blur()
        expect(form).to_have_attribute("data-failed", "1")
    banner = page.locator("#signed-out")
    expect(banner).to_be_visible()

    other = context.new_page()
    login(other, fresh_server.base_url, "dangvien")
    other.close()
    page.route(
        "**/*", lambda route: route.abort() if lost in (route.request.post_data or "") else route.continue_()
    )
    page.evaluate("window.dispatchEvent(new Event('focus'))")
    expect(first.locator("[data-save-state]")).to_have_attribute("data-save-state", "saved")
    settle(page)
    expect(second).to_have_attribute("data-failed", "1")
    expect(banner).to_be_visible()  # the second item is still unsent

    page.unroute("**/*")
    page.evaluate("window.dispatchEvent(new Event('focus'))")
    expect(second.locator("[data-save-state]")).to_have_attribute("data-save-state", "saved")
    expect(banner).to_be_hidden()
