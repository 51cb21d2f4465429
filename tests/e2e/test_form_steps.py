"""The self-review form's "next section" button on a phone: the steps stand above the form there,
a screen high, so the button brings the next section's own top into view, not the form's top
(on a wide screen the steps stand beside the section and the form's top shows both)."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import press

pytestmark = pytest.mark.e2e

TOP = """selector => document.querySelector(selector).getBoundingClientRect().top"""


def settled(page):
    """Wait until the page has stopped scrolling (a smooth scroll takes a few hundred ms)."""
    last = None
    for _attempt in range(40):
        page.wait_for_timeout(150)
        now = page.evaluate("window.scrollY")
        if now == last:
            return
        last = now
    raise AssertionError("the page kept scrolling")


def test_next_section_on_a_phone_shows_the_sections_top(demo_server, open_as):
    page = open_as(demo_server, "dangvien")
    press(page, page.locator("section[aria-labelledby=my-tasks] a[href$='/phieu/']"))
    expect(page).to_have_url(re.compile(r"/ky-kiem-diem/\d+/phieu/\d+/$"))
    page.set_viewport_size({"width": 375, "height": 812})
    first = page.locator(".tab-pane.active").get_attribute("id")
    following = page.locator(f"#{first} [data-kd-next]")
    following.scroll_into_view_if_needed()
    following.click()
    expect(page.locator(f"#{first}")).not_to_have_class(re.compile(r"\bactive\b"))
    selector = "#" + page.locator(".tab-pane.active").get_attribute("id")
    # once the smooth scroll has come to rest, the section's top is in the upper quarter of the
    # screen (as high as the page lets it go: a short section may stop below the very top); it
    # used to be left below the steps, near the bottom of the screen
    settled(page)
    top = page.evaluate(TOP, selector)
    assert 0 <= top < 812 / 4, f"the next section starts {top:.0f} px down a 812 px screen"

    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator(f"{selector} [data-kd-next]").scroll_into_view_if_needed()
    page.locator(f"{selector} [data-kd-next]").click()
    # beside the steps, the form's top: the steps and the section both in view
    settled(page)
    assert abs(page.evaluate(TOP, "[data-review-form]")) < 120
