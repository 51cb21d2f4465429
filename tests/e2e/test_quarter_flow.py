"""A leader's quarter in the browser (issue 14, R366-QTR-2): the demo left Q3 of the season to
`bithu` (a cell secretary, so a leader, LĐ); they write Mẫu 05, each field saving itself, reload
and lose nothing, submit; the base committee's staff (`dangu`) evaluate it from their list; the
progress page shows Q1 not run (R366-QTR-5)."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import audit, page_check_tests, press, settle
from tests.e2e.review_form import save
from tests.e2e.test_cell_board import OVERFLOWING

pytestmark = pytest.mark.e2e
FIELDS = [
    ("planned_tasks", "Chỉ đạo sơ kết quý III; hoàn thành đề án chuyển đổi số của trường"),
    ("self_general", "26"),
    ("self_tasks", "60,5"),
    ("evidence", "Báo cáo sơ kết quý III số 15-BC/CB"),
]


def field_form(page, name: str):
    return page.locator(f"form[data-autosave]:has(input[name=field][value='{name}'])")


def test_a_leader_writes_form_05_and_the_base_committee_evaluates_it(fresh_server, open_as):
    facts = fresh_server.stage("demo_facts")
    season, name = facts["season"], facts["people"]["bithu"]["name"]
    page = open_as(fresh_server, "bithu")
    page.goto(f"{fresh_server.base_url}/ky-kiem-diem/{season}/quy/3/phieu/")
    settle(page)
    expect(page.locator("[data-state]")).to_have_attribute("data-state", "draft")
    audit(page, "quarter-form")
    for field, value in FIELDS:
        form = field_form(page, field)
        box = form.locator("textarea, input[name=value]")
        save(page, form, lambda box=box, value=value: (box.fill(value), box.dispatch_event("change")))
    level = field_form(page, "self_level")
    save(page, level, lambda: level.locator("select").select_option("HTTNV"))
    page.reload()
    settle(page)
    for field, value in FIELDS:
        expect(field_form(page, field).locator("textarea, input[name=value]")).to_have_value(value)
    audit(page, "quarter-form-saved")
    press(page, page.locator("form[data-kd-submit] button[type=submit]"))
    expect(page.locator("[data-state]")).to_have_attribute("data-state", "submitted")
    expect(page.locator("main")).to_contain_text(re.compile(r"86[,.]5/100"))
    audit(page, "quarter-form-submitted")

    staff = open_as(fresh_server, "dangu")
    staff.goto(f"{fresh_server.base_url}/ky-kiem-diem/{season}/quy/3/xet/")
    settle(staff)
    mine = staff.locator("[id^=decide-]").filter(has_text=name)
    expect(mine).to_have_count(1)
    audit(staff, "quarter-decide")
    mine.locator("input[name=comment]").fill("Hoàn thành tốt nhiệm vụ quý III")
    press(staff, mine.locator("button[type=submit]").first)
    expect(staff.locator(".alert-success")).to_be_visible()

    page.reload()
    settle(page)
    expect(page.locator("[data-state]")).to_have_attribute("data-state", "decided")
    expect(page.locator("[data-decided-level]")).to_have_text("HTTNV")

    staff.goto(f"{fresh_server.base_url}/ky-kiem-diem/{season}/quy/")
    settle(staff)
    expect(staff.locator("tr[data-quarter='1'] [data-not-run]")).to_have_count(1)
    expect(staff.locator("tr[data-quarter='3'] [data-not-run]")).to_have_count(0)
    audit(staff, "quarter-progress")

    # The board's page on a phone: one card per quarter, nothing off the screen; the deadline is
    # typed day first, and a bad one opens nothing and says why under the field.
    board = open_as(fresh_server, "tinhuy")
    board.set_viewport_size({"width": 375, "height": 812})
    board.goto(f"{fresh_server.base_url}/ky-kiem-diem/{season}/quy/")
    settle(board)
    overflow = board.evaluate(OVERFLOWING)
    assert overflow == {"page": 0, "elements": [], "scrollers": 0}, overflow
    expect(board.locator("label[for=p-LD]")).to_have_text("Cán bộ lãnh đạo, quản lý (LĐ)")
    deadline = board.locator("tr[data-quarter='1'] input[name=deadline]")
    expect(deadline).to_have_attribute("type", "text")
    expect(deadline).to_have_value(re.compile(r"^15/03/\d{4}$"))
    deadline.fill("03/15/2026")
    press(board, board.locator("form[data-open-quarter='1'] button[type=submit]"))
    expect(board.locator("[data-deadline-error]")).to_contain_text("dd/mm/yyyy")
    expect(board.locator("tr[data-quarter='1'] [data-not-run]")).to_have_count(1)
    audit(board, "quarter-progress-board")


PAGES = [
    "quarter-form",
    "quarter-form-saved",
    "quarter-form-submitted",
    "quarter-decide",
    "quarter-progress",
    "quarter-progress-board",
]
test_page_has_no_serious_accessibility_violation, test_page_is_valid_html = page_check_tests(PAGES)
