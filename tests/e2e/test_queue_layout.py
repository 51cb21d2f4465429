"""The staff queue's collectives waiting for their committee's proposal (R-STEP-1): a collective
with a long name keeps its "propose" button on the name's line, at the end of the row, at 1,280 px
and on a phone; the name wraps within the room left (docs/decisions.md, "The queue's names on one
line at 1,280 px")."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, settle

pytestmark = pytest.mark.e2e

LONG_NAME = (
    "Chi bộ Khối Văn phòng Hội đồng nhân dân, Ủy ban nhân dân và các cơ quan chuyên môn "
    "thuộc Ủy ban nhân dân xã An Bình"
)


@pytest.fixture(scope="module")
def staged(fresh_server):
    return fresh_server.stage("collective_to_propose", name=LONG_NAME)


def row_and_button(page):
    row = page.locator("[data-propose-item]").filter(has_text=LONG_NAME)
    expect(row).to_have_count(1)
    return row, row.locator("[data-propose-button]")


def boxes(row, button) -> tuple[dict, dict, dict, int]:
    name = row.locator(".propose-name")
    line = button.evaluate("b => parseFloat(getComputedStyle(b).lineHeight)")
    return row.bounding_box(), name.bounding_box(), button.bounding_box(), line


@pytest.mark.parametrize("width", [1280, 375])
def test_a_long_collective_name_never_pushes_its_propose_button_to_a_line_of_its_own(
    fresh_server, staged, open_as, width
):
    """At 1,280 px the button stands beside the name, at the row's end, one line high; on a phone
    it goes under the name (a column beside it would be 140 px wide), still on one line."""
    page = open_as(fresh_server, "dangu")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(fresh_server.url(f"/ky-kiem-diem/{staged['season']}/duyet/"))
    settle(page)
    row, button = row_and_button(page)
    row.scroll_into_view_if_needed()
    row_box, name_box, button_box, line = boxes(row, button)
    assert button_box["height"] < 2 * line, (width, button_box, line)  # its words on one line
    assert button_box["x"] + button_box["width"] <= row_box["x"] + row_box["width"] + 1
    if width == 1280:  # beside the name (right of it, not under it); the name on two lines
        assert button_box["x"] >= name_box["x"] + name_box["width"] - 1, (name_box, button_box)
        assert button_box["y"] < name_box["y"] + name_box["height"], (name_box, button_box)
        assert name_box["height"] <= 3 * line, name_box
    else:  # under the name, which has the row's width
        assert button_box["y"] >= name_box["y"] + name_box["height"] - 1, (name_box, button_box)
        assert name_box["width"] >= row_box["width"] - 2, (name_box, row_box)
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#to-propose").screenshot(path=str(ARTIFACTS / f"queue-propose-{width}.png"))
