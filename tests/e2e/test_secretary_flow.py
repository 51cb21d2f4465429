"""The cell secretary's work (`bithu`, secretary of the login cell), in the browser.

The demo leaves the secretary to: acknowledge two submitted pledges, finish and submit the
cell's own report (form 01) and their own review, record the review meeting, then review the
members in order (head first, R-ORDER-3) and propose their levels with the live quota meter
(R-RATE-2) following the levels chosen before they are saved.
"""

import datetime
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import audit, page_check_tests, press, settle, vi
from tests.e2e.review_form import complete_review_form, submit_review

pytestmark = pytest.mark.e2e

HEADLINE = re.compile(r"HTXSNV (\d+) / ")


def meter_headlines(page) -> list[str]:
    return [text.strip() for text in page.locator("#quota-meter strong").all_inner_texts()]


def capped_counts(headlines) -> list[int]:
    return [int(HEADLINE.search(text).group(1)) for text in headlines]


def row(page, subject_pk: int):
    return page.locator(f"#row-{subject_pk}")


def save_row(page, subject_pk: int):
    row(page, subject_pk).locator(".js-save-row").click()
    settle(page)


def test_secretary_acknowledges_records_the_meeting_and_proposes_in_order(fresh_server, open_as):
    facts = fresh_server.stage("demo_facts")
    season, cell = facts["season"], facts["units"]["bithu"]
    order = facts["meeting_order"]
    head, deputy = order[0], order[1]
    assert head["user"] == "bithu" and head["position"] == 0 and deputy["position"] == 1
    waiting_pledge = next(m for m in order if m["pledge"] == "submitted")
    submitted = [m for m in order if m["state"] == "submitted" and not m["needs_comment"]]
    first_other, second_other = submitted[0], submitted[1]

    page = open_as(fresh_server, "bithu")
    audit(page, "secretary-home")

    # -- the cell's board: acknowledge a pledge ------------------------------------------------------
    press(page, page.locator(f"a[href='/ky-kiem-diem/{season}/chi-bo/{cell['code']}/']").first)
    expect(page.locator("h1")).to_have_text(cell["name"])
    members = page.locator("#members-title + .table-responsive tbody tr")
    expect(members).to_have_count(len(order))
    audit(page, "cell-board", shot=True)
    pledge_row = page.locator("tbody tr", has_text=waiting_pledge["name"])
    press(page, pledge_row.locator("form[action$='/xac-nhan/'] button"))
    expect(page.locator(".messages .alert-success")).to_contain_text(waiting_pledge["name"])
    pledge_row = page.locator("tbody tr", has_text=waiting_pledge["name"])
    expect(pledge_row.locator("form[action$='/xac-nhan/']")).to_have_count(0)
    if text := vi("Pledge of %(name)s acknowledged."):
        expect(page.locator(".messages .alert-success")).to_contain_text(
            text % {"name": waiting_pledge["name"]}
        )
    audit(page, "cell-board-acknowledged")

    # -- the cell's own report (form 01), then the secretary's own review ----------------------------
    report = page.locator("#collective-title ~ .list-group > li").first
    expect(report).to_contain_text(cell["name"])
    press(page, report.locator("a.btn[href*='/phieu/']"))  # its button: its reasons link into the form too
    expect(page.locator("main header")).to_contain_text(cell["name"])
    audit(page, "cell-report")
    complete_review_form(page)
    submit_review(page)
    expect(page.locator("[data-state]")).to_have_attribute("data-state", "submitted")

    page.goto(fresh_server.url("/"))
    press(page, page.locator("section[aria-labelledby=my-tasks] a[href$='/phieu/']"))
    expect(page.locator("main header")).to_contain_text(head["name"])
    complete_review_form(page)
    submit_review(page)
    expect(page.locator("[data-state]")).to_have_attribute("data-state", "submitted")

    # -- the meeting record ----------------------------------------------------------------------------
    page.goto(fresh_server.url(f"/ky-kiem-diem/{season}/chi-bo/{cell['code']}/"))
    press(page, page.locator(f"main a[href$='/chi-bo/{cell['code']}/hop/']").first)
    expect(page.locator("h1")).to_contain_text(cell["name"])
    audit(page, "meeting")
    # The server's today, not this process's (tests/clock.py): the meeting was three days ago.
    held_on = datetime.date.fromisoformat(fresh_server.stage("today")) - datetime.timedelta(days=3)
    circulated = held_on - datetime.timedelta(days=7)
    # Dates typed the Vietnamese way, whatever the browser's locale.
    expect(page.locator("#id_held_on")).to_have_attribute("placeholder", "dd/mm/yyyy")
    page.fill("#id_held_on", held_on.strftime("%d/%m/%Y"))
    page.fill("#id_draft_circulated_on", circulated.strftime("%d/%m/%Y"))
    page.fill("#id_present", str(len(order) - 2))
    page.fill("#id_total", str(len(order)))
    page.fill("#id_comments", "Chi bộ nhất trí với báo cáo kiểm điểm của tập thể.")
    page.fill("#id_votes_HTTNV", str(len(order) - 2))
    settle(page)
    press(page, page.locator("form[action$='/hop/'] button[type=submit]"))
    expect(page.locator(".messages .alert-success")).to_be_visible()
    record = page.locator("section[aria-labelledby=record-title]")
    expect(record).to_contain_text(held_on.strftime("%d/%m/%Y"))
    expect(page.locator("#id_draft_circulated_on")).to_have_value(circulated.strftime("%d/%m/%Y"))
    expect(page.locator("#id_present")).to_have_value(str(len(order) - 2))
    audit(page, "meeting-recorded")

    # -- members in order: the head first (R-ORDER-3) --------------------------------------------------
    rows = page.locator("tbody.js-row")
    expect(rows.nth(0)).to_have_id(f"row-{head['pk']}")
    expect(rows.nth(0)).to_contain_text(head["name"])
    expect(rows.nth(1)).to_have_id(f"row-{deputy['pk']}")
    expect(rows.nth(1)).to_contain_text(deputy["name"])

    # A member before the head and the deputy: the engine refuses, and says who comes first.
    row(page, first_other["pk"]).locator("select.js-outcome").select_option("reviewed")
    save_row(page, first_other["pk"])
    refusal = row(page, first_other["pk"]).locator(".js-refused")
    expect(refusal).to_contain_text("Kiểm điểm bí thư chi bộ trước")  # R-ORDER-3
    expect(refusal).not_to_contain_text("(R-")
    expect(refusal).to_contain_text(head["name"])
    audit(page, "meeting-order-refused")

    # The head: reviewed, with votes, proposed HTTNV.
    head_row = row(page, head["pk"])
    head_row.locator("select.js-outcome").select_option("reviewed")
    head_row.locator(f"textarea[name='{head['pk']}-comments']").fill(
        "Đồng chí gương mẫu, hoàn thành tốt nhiệm vụ."
    )
    head_row.locator(f"input[name='{head['pk']}-votes_HTTNV']").fill(str(len(order) - 2))
    head_row.locator("select.js-level").select_option("HTTNV")
    if head_row.locator("select[name$='-civil_service_level']").count():
        head_row.locator("select[name$='-civil_service_level']").select_option("HTTNV")
    save_row(page, head["pk"])
    expect(row(page, head["pk"])).to_have_class(re.compile(r"\btable-success\b"))
    expect(row(page, head["pk"]).locator(".js-refused")).to_have_count(0)

    # The deputy has not written a review: not reviewed, with the reason (R-SCOPE-6).
    deputy_row = row(page, deputy["pk"])
    deputy_row.locator("select.js-outcome").select_option("absent")
    deputy_row.locator(f"input[name='{deputy['pk']}-absent_reason']").fill("Đi công tác dài ngày")
    save_row(page, deputy["pk"])
    expect(row(page, deputy["pk"])).to_have_class(re.compile(r"\btable-success\b"))
    audit(page, "meeting-head-reviewed")

    # -- the live quota meter --------------------------------------------------------------------------
    before = meter_headlines(page)
    assert before and all(HEADLINE.search(text) for text in before), before
    level = row(page, first_other["pk"]).locator("select.js-level")
    level.select_option("HTXSNV")
    expect(page.locator("#quota-meter strong")).not_to_have_text(before)
    raised = meter_headlines(page)
    assert sum(capped_counts(raised)) == sum(capped_counts(before)) + 1, (before, raised)
    expect(page.locator("#quota-meter")).to_contain_text("HTXSNV")
    audit(page, "meeting-meter-raised", shot=True)
    level.select_option("HTTNV")
    expect(page.locator("#quota-meter strong")).not_to_have_text(raised)
    assert capped_counts(meter_headlines(page)) == capped_counts(before)

    # Reviewed and proposed HTTNV, now that the head and the deputy are done.
    first = row(page, first_other["pk"])
    first.locator("select.js-outcome").select_option("reviewed")
    first.locator(f"input[name='{first_other['pk']}-votes_HTTNV']").fill(str(len(order) - 2))
    if first.locator("select[name$='-civil_service_level']").count():
        first.locator("select[name$='-civil_service_level']").select_option("HTTNV")
    save_row(page, first_other["pk"])
    expect(row(page, first_other["pk"])).to_have_class(re.compile(r"\btable-success\b"))
    expect(row(page, first_other["pk"]).locator(".js-refused")).to_have_count(0)

    # The next member with the proposal chosen in the same row, saved at once.
    second = row(page, second_other["pk"])
    second.locator("select.js-outcome").select_option("reviewed")
    second.locator("select.js-level").select_option("HTTNV")
    if second.locator("select[name$='-civil_service_level']").count():
        second.locator("select[name$='-civil_service_level']").select_option("HTTNV")
    save_row(page, second_other["pk"])
    expect(row(page, second_other["pk"])).to_have_class(re.compile(r"\btable-success\b"))

    # After a reload, the board shows what was recorded: two proposals, the head's and one other.
    page.reload()
    audit(page, "meeting-after")
    page.goto(fresh_server.url(f"/ky-kiem-diem/{season}/chi-bo/{cell['code']}/"))
    for member in (head, first_other, second_other):
        expect(page.locator(f"#subject-{member['pk']}").locator("xpath=..")).to_contain_text("HTTNV")
    audit(page, "cell-board-after")
    states = {m["pk"]: m["state"] for m in fresh_server.stage("demo_facts")["meeting_order"]}
    assert states[head["pk"]] == "proposed"
    assert states[deputy["pk"]] == "absent"
    assert states[second_other["pk"]] == "proposed"
    assert states[first_other["pk"]] in ("reviewed", "proposed")


PAGES = [
    "secretary-home",
    "cell-board",
    "cell-board-acknowledged",
    "cell-report",
    "meeting",
    "meeting-recorded",
    "meeting-order-refused",
    "meeting-head-reviewed",
    "meeting-meter-raised",
    "meeting-after",
    "cell-board-after",
]
test_page_has_no_serious_accessibility_violation, test_page_is_valid_html = page_check_tests(PAGES)
