"""The provincial organization board (`tinhuy`) makes the criteria of the next year concrete
(R366-SET-2, R366-SCORE-3) and opens its season with them (R366-SET-1), in the browser.

The demo has the season under review and the one before it open, so the next year is the one
to prepare: a sum that is not 30 is refused with the profile and the group named and everything
typed kept; fixed, the preview of part B shows the items; saved; then the season opens with
them and the page says they are frozen."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import audit, page_check_tests, press, screenshot, settle, vi

pytestmark = pytest.mark.e2e

PROFILE = "Đảng viên không giữ chức vụ lãnh đạo, quản lý (KLĐ)"


def narrow_shot(page, name: str):
    page.set_viewport_size({"width": 375, "height": 800})
    settle(page)
    screenshot(page, f"{name}-375")
    page.set_viewport_size({"width": 1280, "height": 900})
    settle(page)


def test_r366_set_2_the_board_makes_the_criteria_concrete_and_opens_the_season(
    fresh_server, demo_year, open_as
):
    year = demo_year + 1
    page = open_as(fresh_server, "tinhuy")

    # From the home page (or the user menu) to the criteria of the first year whose season is not open.
    expect(page.locator("header .dropdown-menu a[href='/ky-kiem-diem/mo-ky/']")).to_have_count(1)
    press(page, page.locator("main a[href='/ky-kiem-diem/tieu-chi/']"))
    expect(page).to_have_url(re.compile(rf"/ky-kiem-diem/tieu-chi/DEMO/{year}/$"))
    expect(page.locator("[data-criteria-state=none]")).to_be_visible()
    audit(page, "criteria-year", shot=True)
    narrow_shot(page, "criteria-year")

    # The profile KLĐ: two items of the general group that add up to 25, one task item.
    press(page, page.locator("tr[data-profile=KLD] a"))
    expect(page.locator("h1")).to_contain_text(PROFILE)
    press(page, page.locator("button[value='add:general']"))
    expect(page.locator("#id_general-0-title")).to_be_focused()
    page.fill("#id_general-0-title", "Bản lĩnh chính trị, đạo đức, lối sống")
    page.fill("#id_general-0-max", "20")
    press(page, page.locator("button[value='add:general']"))
    page.fill("#id_general-1-title", "Ý thức tổ chức kỷ luật, đoàn kết nội bộ")
    page.fill("#id_general-1-max", "5")
    page.select_option("#id_general-1-method", "points")
    press(page, page.locator("button[value='add:tasks']"))
    page.fill("#id_tasks-0-title", "Kết quả thực hiện nhiệm vụ được giao")
    page.fill("#id_tasks-0-max", "70")
    # The running sum follows the typing.
    expect(page.locator("#group-general [data-group-total]")).to_have_text("25")
    expect(page.locator("#group-general [data-group-sum]")).to_have_class(re.compile("text-danger"))

    press(page, page.get_by_role("button", name=vi("Check and preview"), exact=True))
    problems = page.locator("[data-criteria-problems]")
    expect(problems).to_contain_text("KLĐ")
    expect(problems).to_contain_text("Nhóm tiêu chí chung")
    expect(problems).to_contain_text("25")
    expect(page.locator("[data-preview-waiting]")).to_be_visible()
    # Everything typed is still there.
    expect(page.locator("#id_general-1-title")).to_have_value("Ý thức tổ chức kỷ luật, đoàn kết nội bộ")
    expect(page.locator("#id_general-1-method")).to_have_value("points")
    expect(page.locator("#id_tasks-0-max")).to_have_value("70")
    audit(page, "criteria-profile-problems", shot=True)
    narrow_shot(page, "criteria-profile-problems")

    # Fixed: the preview of part B shows the items as the member will see them.
    page.fill("#id_general-1-max", "10")
    expect(page.locator("#group-general [data-group-total]")).to_have_text("30")
    press(page, page.get_by_role("button", name=vi("Check and preview"), exact=True))
    expect(page.locator("[data-criteria-checked]")).to_be_visible()
    preview = page.locator("[data-preview]")
    expect(preview).to_contain_text("Mẫu 2B")
    expect(preview.locator("[data-preview-item=g2]")).to_contain_text("Ý thức tổ chức kỷ luật")
    expect(preview.locator("[data-preview-item=t1]")).to_contain_text("70")
    audit(page, "criteria-profile-preview", shot=True)
    narrow_shot(page, "criteria-profile-preview")

    press(page, page.get_by_role("button", name=vi("Save the criteria"), exact=True))
    expect(page.locator(".messages .alert-success")).to_contain_text("KLĐ")
    expect(page.locator("#id_general-1-max")).to_have_value("10")

    # Back to every profile: KLĐ has its items; then the opening page of that year.
    press(page, page.get_by_role("link", name=vi("Back to every profile")))
    expect(page.locator("tr[data-profile=KLD]")).to_contain_text("2")
    expect(page.locator("[data-criteria-state=draft]")).to_be_visible()
    press(page, page.locator(f"a[href='/ky-kiem-diem/mo-ky/DEMO/{year}/']"))
    expect(page.locator("h1")).to_contain_text(str(year))
    expect(page.locator("#id_rule_set option:checked")).to_contain_text("QĐ 366")
    audit(page, "season-open", shot=True)
    narrow_shot(page, "season-open")

    page.fill("#id_reference_date", f"15/12/{year}")
    page.fill("#id_deadline_self_review", f"20/12/{year}")
    page.check("#id_confirm")
    press(page, page.get_by_role("button", name=re.compile(str(year))))
    expect(page.locator(".messages .alert-success")).to_contain_text(str(year))
    expect(page).to_have_url(re.compile(r"/ky-kiem-diem/\d+/thong-ke/DEMO/$"))

    # The criteria of that year are now those of the season, frozen.
    page.goto(fresh_server.url(f"/ky-kiem-diem/tieu-chi/DEMO/{year}/KLD/"))
    settle(page)
    expect(page.locator("[data-criteria-state=frozen]")).to_be_visible()
    expect(page.locator("form[data-criteria-form]")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("Ý thức tổ chức kỷ luật, đoàn kết nội bộ")
    audit(page, "criteria-profile-frozen", shot=True)


PAGES = [
    "criteria-year",
    "criteria-profile-problems",
    "criteria-profile-preview",
    "season-open",
    "criteria-profile-frozen",
]
test_page_has_no_serious_accessibility_violation, test_page_is_valid_html = page_check_tests(PAGES)
