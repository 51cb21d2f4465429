"""The cell board of a full cell (30 members), in the browser: one line per member at 1280 px, so
the board fits in about two screens, and nothing runs off a 375 px phone (issue 11, point 1)."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, audit, page_check_tests, settle

pytestmark = pytest.mark.e2e

MEMBERS = 30
MAX_HEIGHT = 1700  # about two screens of 800 px, with the navigation and the footer

OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('body *')].filter(e => {
    const box = e.getBoundingClientRect();
    return box.width > 0 && (box.right > width + 1 || box.left < -1) && !e.closest('.visually-hidden');
  });
  const scrollers = [...document.querySelectorAll('.table-responsive')].filter(
    e => e.scrollWidth > e.clientWidth + 1);
  return {page: document.documentElement.scrollWidth - width,
          elements: wide.slice(0, 5).map(e => e.outerHTML.slice(0, 120)),
          scrollers: scrollers.length};
}"""

# The name cells of the members with a post (their title: name · post · form), each with whether
# its line cuts something short (the board's line ellipsizes what does not fit).
NAMES_WITH_POSTS = """() => [...document.querySelectorAll('#members-title ~ .table-responsive tbody td[id^=subject-]')]
  .filter(td => td.title.split(' · ').length === 3)
  .map(td => [td.title, [td, ...td.querySelectorAll('.cell-name, .cell-name > *')]
    .some(e => e.scrollWidth > e.clientWidth + 1)])"""

# The levels on the board's lines that are cut: inside their own box, or by their cell (the code
# reaching past the cell's content).
LEVELS_CUT = """() => [...document.querySelectorAll('.cell-table .cell-level-code')].filter(code => {
  const td = code.closest('td'), style = getComputedStyle(td);
  return code.scrollWidth > code.clientWidth + 1
    || code.getBoundingClientRect().right > td.getBoundingClientRect().right - parseFloat(style.paddingRight) + 0.5;
}).map(code => code.textContent)"""


def shot(page, name: str, full_page: bool = True):
    (ARTIFACTS / "pages").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "pages" / f"{name}.png"), full_page=full_page)


def test_the_board_of_a_thirty_member_cell_fits_two_screens_and_a_phone(fresh_server, open_as):
    assert fresh_server.stage("grow_login_cell", size=MEMBERS)["members"] == MEMBERS
    facts = fresh_server.stage("demo_facts")
    board = fresh_server.url(f"/ky-kiem-diem/{facts['season']}/chi-bo/{facts['units']['bithu']['code']}/")
    page = open_as(fresh_server, "bithu")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(board)
    settle(page)
    rows = page.locator("#members-title ~ .table-responsive tbody tr")
    expect(rows).to_have_count(MEMBERS)
    audit(page, "cell-board-30")
    shot(page, "cell-board-30-1280")
    height = page.evaluate("document.documentElement.scrollHeight")
    print(f"cell board of {MEMBERS} at 1280 px: {height} px")
    assert height <= MAX_HEIGHT, f"the board of {MEMBERS} members is {height} px tall at 1280 px"
    # One line per member: every row about as tall as the first.
    heights = [box["height"] for box in (rows.nth(i).bounding_box() for i in range(MEMBERS))]
    assert max(heights) <= 1.6 * min(heights), heights
    # The secretary's and the deputy's names and posts (BT, PBT) are read in full on that line.
    with_posts = page.evaluate(NAMES_WITH_POSTS)
    assert len(with_posts) == 2 and not any(cut for _title, cut in with_posts), with_posts
    # The level is never cut, only the words after it.
    assert page.locator(".cell-table .cell-level-code").count() > 0
    assert page.evaluate(LEVELS_CUT) == []

    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    settle(page)
    shot(page, "cell-board-30-375")
    page.locator("#members-title").scroll_into_view_if_needed()
    shot(page, "cell-board-30-375-members", full_page=False)
    overflow = page.evaluate(OVERFLOWING)
    assert overflow == {"page": 0, "elements": [], "scrollers": 0}, overflow


test_page_has_no_serious_accessibility_violation, test_page_is_valid_html = page_check_tests(
    ["cell-board-30"]
)
