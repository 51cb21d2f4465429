"""A review required again, in the browser (issue 15, R-SUP-1): the base committee's staff
(`dangu`) open a member of the login cell reviewed at its meeting, give the reason and require the
review done again (a confirmation is asked); the member is back before the meeting; the cell's
secretary (`bithu`) reads the reason in their notifications, follows it to the meeting page, and
the member's proposal step is closed until the meeting records them again."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import audit, page_check_tests, press, settle

pytestmark = pytest.mark.e2e
REASON = "Tự phê bình còn chung chung, chưa nêu rõ hạn chế trong chỉ đạo chuyên môn"


def _secretary_reads(server, open_as, season, reason: str, name: str):
    """The cell's secretary (`bithu`) finds the demand in their notifications: the reason and the
    member's name. Returns their page, on the notifications, and the notice."""
    secretary = open_as(server, "bithu")
    secretary.goto(f"{server.base_url}/ky-kiem-diem/{season}/thong-bao/")
    settle(secretary)
    notice = secretary.locator("main li, main article, main .list-group-item").filter(has_text=reason)
    expect(notice.first).to_be_visible()
    expect(notice.first).to_contain_text(name)
    return secretary, notice


def test_staff_require_a_review_redone_and_the_secretary_reads_why(fresh_server, open_as):
    fresh_server.stage("meeting_open_for_members")
    reviewed = fresh_server.stage("review_the_first", count=3)["reviewed"]
    assert reviewed, "the demo's login cell has members to review"
    facts = fresh_server.stage("demo_facts")
    season, subject = facts["season"], reviewed[-1]
    name = next(m["name"] for m in facts["meeting_order"] if m["pk"] == subject)

    staff = open_as(fresh_server, "dangu")
    staff.goto(f"{fresh_server.base_url}/ky-kiem-diem/{season}/doi-tuong/{subject}/")
    settle(staff)
    form = staff.locator("#require-redo")
    expect(form).to_be_visible()
    audit(staff, "redo-form")
    form.locator("textarea").fill(REASON)
    press(staff, form.locator("button[type=submit]"))
    assert staff.dialogs, "a confirmation is asked before the demand"
    expect(staff.locator(".alert-success")).to_be_visible()

    secretary, notice = _secretary_reads(fresh_server, open_as, season, REASON, name)
    audit(secretary, "redo-notice")
    press(secretary, notice.first.locator("a").first)
    expect(secretary).to_have_url(
        f"{fresh_server.base_url}/ky-kiem-diem/{season}/chi-bo/{facts['units']['bithu']['code']}/hop/"
    )

    states = {m["pk"]: m["state"] for m in fresh_server.stage("demo_facts")["meeting_order"]}
    assert (
        states[subject] == "submitted"
    )  # back to before the meeting: no proposal until it is recorded again


PAGES = ["redo-form", "redo-notice"]
test_page_has_no_serious_accessibility_violation, test_page_is_valid_html = page_check_tests(PAGES)


def test_an_assigned_committee_member_requires_a_review_redone_from_their_home_page(fresh_server, open_as):
    """Issue 15: the assignee's way — their home page lists the meeting they attend for the level
    above; from it to the cell's board, a reviewed member's page, the reason and the demand; the
    secretary reads the reason in their notifications."""
    fresh_server.stage("meeting_open_for_members")
    reviewed = fresh_server.stage("review_the_first", count=4)["reviewed"]
    assert reviewed, "a member of the login cell reviewed at its meeting"
    assignee = fresh_server.stage("assignee_login", username="uyvien")
    facts = fresh_server.stage("demo_facts")
    subject = reviewed[0]
    name = next(m["name"] for m in facts["meeting_order"] if m["pk"] == subject)
    reason = "Chưa làm rõ trách nhiệm cá nhân trong việc chậm triển khai nghị quyết của chi bộ"

    page = open_as(fresh_server, "uyvien")
    attending = page.locator("#attending-meetings")
    expect(attending).to_contain_text(assignee["unit"])
    audit(page, "assignee-home")
    press(page, attending.get_by_role("link", name=assignee["unit"]))
    assert page.url.endswith(f"/chi-bo/{assignee['code']}/hop/"), page.url
    press(page, page.locator(".breadcrumb a", has_text=assignee["unit"]))  # the cell's board
    press(page, page.get_by_role("link", name=name, exact=True).first)
    form = page.locator("#require-redo")
    expect(form).to_be_visible()
    form.locator("textarea").fill(reason)
    press(page, form.locator("button[type=submit]"))
    assert page.dialogs, "a confirmation is asked before the demand"
    expect(page.locator(".alert-success")).to_be_visible()

    _secretary_reads(fresh_server, open_as, assignee["season"], reason, name)
