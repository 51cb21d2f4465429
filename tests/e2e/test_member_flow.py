"""A party member's work in the season under review, in the browser.

`dangvien`'s pledge was acknowledged by the demo, so it is locked; the pledge is written by a
member staged with a login of their own (`dangvien2`, a member with no pledge yet). `dangvien`
then finishes the self-review the demo left half-written: autosave, a reload that loses
nothing, the review suggestion, a refused submission with its reasons, the submission.
"""

import datetime
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import audit, page_check_tests, press, settle, vi, vi_pattern
from tests.e2e.review_form import (
    UNSAVED,
    autosave_form,
    fill_points,
    fill_task_list,
    open_section,
    save,
    submit_review,
)

pytestmark = pytest.mark.e2e

# -- the pledge ------------------------------------------------------------------------------------


def test_an_acknowledged_pledge_is_shown_locked(fresh_server, demo_year, open_as):
    people = fresh_server.stage("demo_facts")["people"]
    page = open_as(fresh_server, "dangvien")
    audit(page, "member-home")
    mine = page.locator("section[aria-labelledby=my-tasks]")
    press(page, mine.locator("a[href='/dang-vien/cam-ket/']"))
    # The pledge of the calendar year opens; from January to June the season under review is the
    # year before, whose pledge is one of the "other years".
    this_year = datetime.date.fromisoformat(fresh_server.stage("today")).year
    expect(page).to_have_url(re.compile(rf"/dang-vien/cam-ket/{this_year}/$"))
    if demo_year != this_year:
        press(
            page,
            page.get_by_role("navigation", name="Bản cam kết các năm khác").get_by_role(
                "link", name=str(demo_year)
            ),
        )
        expect(page).to_have_url(re.compile(rf"/dang-vien/cam-ket/{demo_year}/$"))
    expect(page.locator("[data-pledge-state]")).to_have_attribute("data-pledge-state", "acknowledged")
    expect(page.locator("#pledge-form")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("Học tập, quán triệt đầy đủ các nghị quyết của Đảng")
    expect(page.locator("main")).to_contain_text("12/12 kỳ sinh hoạt")
    # Acknowledged by the cell's secretary (bithu), on a dd/mm/yyyy date.
    if locked := vi_pattern(
        "Acknowledged on %(date)s by %(name)s. The pledge is locked.",
        date=r"\d{2}/\d{2}/\d{4}",
        name=people["bithu"]["name"],
    ):
        expect(page.locator("[data-pledge-state]")).to_contain_text(locked)
    audit(page, "member-pledge-locked")


PLEDGE = {
    "politics": ("Học tập đầy đủ các chuyên đề nghị quyết trong năm", "100% chuyên đề"),
    "ethics": ("Giữ gìn phẩm chất đạo đức, lối sống giản dị", ""),
    "professional": ("Hoàn thành 100% kế hoạch công tác chuyên môn được giao", "Đạt 100% chỉ tiêu"),
    "party": ("Dự đầy đủ sinh hoạt chi bộ, đóng đảng phí đúng hạn", "12/12 kỳ sinh hoạt"),
    "residence": ("Gương mẫu chấp hành quy định nơi cư trú", ""),
}


def fill_pledge_area(page, category: str):
    text, target = PLEDGE[category]
    row = page.locator(f"[data-pledge-rows='{category}'] [data-pledge-row]").first
    row.locator("textarea").fill(text)
    row.locator("input[name$='-target']").fill(target)


def test_a_member_writes_saves_and_submits_the_pledge(fresh_server, open_as):
    staged = fresh_server.stage("member_login", username="dangvien2")
    page = open_as(fresh_server, "dangvien2")
    press(page, page.locator("section[aria-labelledby=my-tasks] a[href='/dang-vien/cam-ket/']"))
    expect(page.locator("[data-pledge-state]")).to_have_attribute("data-pledge-state", "none")
    expect(page.locator("main")).to_contain_text(staged["name"])
    expect(page.locator("main")).to_contain_text(staged["cell"])
    form = page.locator("#pledge-form")
    expect(form.locator("[data-pledge-rows]")).to_have_count(5)
    audit(page, "pledge-new")

    # Four areas of five, saved as a draft; it is still there after a reload.
    for category in ("politics", "ethics", "professional", "party"):
        fill_pledge_area(page, category)
    press(page, form.locator("button[name=action][value=save]"))
    expect(page.locator("[data-pledge-state]")).to_have_attribute("data-pledge-state", "draft")
    expect(page.locator(".messages .alert-success")).to_be_visible()
    page.reload()
    for category in ("politics", "ethics", "professional", "party"):
        expect(page.locator(f"[data-pledge-rows='{category}'] textarea").first).to_have_value(
            PLEDGE[category][0]
        )
    expect(page.locator("[data-pledge-rows='professional'] input[name$='-target']").first).to_have_value(
        "Đạt 100% chỉ tiêu"
    )
    audit(page, "pledge-draft", shot=True)

    # Submitting without the fifth area is refused, with the area named; the draft stays.
    press(page, page.locator("#pledge-form button[name=action][value=submit]"))
    expect(page.locator(".messages .alert-danger")).to_be_visible()
    expect(page.locator("[data-pledge-state]")).to_have_attribute("data-pledge-state", "draft")
    if text := vi("Duties where I live"):
        expect(page.locator(".messages .alert-danger")).to_contain_text(text)
    audit(page, "pledge-refused")

    fill_pledge_area(page, "residence")
    press(page, page.locator("#pledge-form button[name=action][value=submit]"))
    expect(page.locator("[data-pledge-state]")).to_have_attribute("data-pledge-state", "submitted")
    expect(page.locator("#pledge-form")).to_have_count(0)
    for text, _target in PLEDGE.values():
        expect(page.locator("main")).to_contain_text(text)
    audit(page, "pledge-submitted")
    assert fresh_server.stage("pledge_state", name="dangvien2") == "submitted"


# -- the self-review ---------------------------------------------------------------------------------

SHORTCOMINGS = (
    "Đã khắc phục việc chậm cập nhật văn bản: mỗi tuần dành hai giờ tự học, báo cáo tiến độ hằng tháng."
)
ANSWER = "Báo cáo chuyên đề quý III chậm 5 ngày do phải hoàn thành kế hoạch thi học kỳ; đã rút kinh nghiệm."
DIRECTIONS = "Chủ động nghiên cứu văn bản mới; hoàn thành báo cáo đúng hạn."


def test_a_member_finishes_the_self_review_without_losing_text_and_submits_it(fresh_server, open_as):
    me = fresh_server.stage("demo_facts")["people"]["dangvien"]
    page = open_as(fresh_server, "dangvien")
    press(page, page.locator("section[aria-labelledby=my-tasks] a[href$='/phieu/']"))
    expect(page).to_have_url(re.compile(r"/ky-kiem-diem/\d+/phieu/\d+/$"))
    form_url = page.url
    expect(page.locator("[data-state]")).to_have_attribute("data-state", "draft")
    expect(page.locator("main header")).to_contain_text(me["name"])
    expect(page.locator("main header")).to_contain_text(me["cell"])
    audit(page, "self-review")

    # Section III: type, see it saved at hh:mm.
    open_section(page, "III")
    section_iii = autosave_form(page, "III")
    save(page, section_iii, lambda: section_iii.locator("textarea").press_sequentially(SHORTCOMINGS, delay=5))
    audit(page, "self-review-saved")

    # Reload half-way: nothing typed is lost.
    page.reload()
    open_section(page, "III")
    expect(autosave_form(page, "III").locator("textarea")).to_have_value(SHORTCOMINGS)

    # Section IV: answer the review suggestion of the base committee.
    suggestion = page.locator("form[action*='/goi-y/']")
    expect(page.locator("[id^=item-suggestion-]")).to_contain_text("báo cáo chuyên đề quý III")
    open_section(page, "IV")
    save(page, suggestion, lambda: suggestion.locator("textarea[name=answer]").fill(ANSWER))

    # Items missing: the submit step lists them, and its button waits, saying how many are left.
    open_section(page, "submit")
    settle(page)
    blockers = page.locator("#blockers [data-blockers]")
    missing = int(blockers.get_attribute("data-blockers"))
    assert missing >= 3
    expect(blockers).to_contain_text("VI")  # the directions are not written
    expect(blockers).to_contain_text("nhiệm vụ")  # no task of the year listed (part B)
    expect(blockers).to_contain_text("Chưa chấm điểm")  # no points yet (part B)
    expect(blockers).not_to_contain_text("IV")  # the suggestion is answered
    button = page.locator("form[data-kd-submit] button[type=submit]")
    expect(button).to_be_disabled()
    expect(page.locator("[data-submit-waits]")).to_contain_text(f"Còn {missing} mục cần hoàn thành")
    audit(page, "self-review-missing")
    # Each missing item links to its place: the section opens there.
    blockers.locator("[data-listed] a[href$='#item-VI']").click()
    expect(page.locator("#tab-VI")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#item-VI")).to_be_in_viewport()
    audit(page, "self-review-link-opened")
    # A page left open on an older list may still post: the engine refuses, its reasons in one alert.
    open_section(page, "submit")
    settle(page)  # the step's list read again, its button with it
    page.locator("form[data-kd-submit]").evaluate("f => { f.querySelector('button').disabled = false; }")
    press(page, button)
    refused = page.locator(".messages .alert-danger")
    expect(refused).to_have_count(1)
    expect(refused.locator("[data-reasons] > li")).to_have_count(missing)
    expect(refused).to_contain_text("Chưa chấm điểm")
    expect(page.locator("[data-state]")).to_have_attribute("data-state", "draft")
    audit(page, "self-review-refused", shot=True)

    # Complete it: the text of VI, part B (a task done on time, the points: HTTNV), the ratings.
    open_section(page, "VI")
    directions = autosave_form(page, "VI")
    save(page, directions, lambda: directions.locator("textarea").fill(DIRECTIONS))
    open_section(page, "B-I")
    fill_task_list(page, autosave_form(page, "B.I"))
    open_section(page, "B-II")
    fill_points(page, autosave_form(page, "B.II"))
    expect(page.locator("#points-summary [data-points-level]")).to_have_attribute(
        "data-points-level", "HTTNV"
    )
    audit(page, "self-review-points", shot=True)
    open_section(page, "B-III")
    for rating in page.locator("#sec-B-III form[data-autosave]").all():
        save(page, rating, lambda rating=rating: rating.locator("input[name=level][value=HTTNV]").check())
    open_section(page, "submit")
    settle(page)
    expect(page.locator("#blockers [data-blockers]")).to_have_attribute("data-blockers", "0")
    expect(page.locator("form[data-kd-submit] button[type=submit]")).to_be_enabled()  # back at once
    submit_review(page)
    expect(page.locator(".messages .alert-success")).to_be_visible()
    expect(page.locator("[data-state]")).to_have_attribute("data-state", "submitted")
    expect(page.locator("[data-read-only]")).to_be_visible()
    expect(page.locator("main")).to_contain_text(SHORTCOMINGS)
    expect(page.locator("main")).to_contain_text(ANSWER)
    audit(page, "self-review-submitted")

    # What was typed before the reload is what was submitted.
    page.goto(form_url.rstrip("/") + "/in/")
    expect(page.locator("main")).to_contain_text(SHORTCOMINGS)
    audit(page, "self-review-print")


def test_a_saved_choice_leaves_nothing_marked_unsaved(fresh_server, open_as):
    page = open_as(fresh_server, "bithu")
    press(page, page.locator("section[aria-labelledby=my-tasks] a[href$='/phieu/']"))
    open_section(page, "B-III")
    rating = page.locator("#sec-B-III form[data-autosave]").first
    save(page, rating, lambda: rating.locator("input[name=level][value=HTTNV]").check())
    settle(page)
    assert page.evaluate(f'() => document.querySelector("{UNSAVED}") === null'), (
        "an item saved is marked unsaved"
    )
    open_section(page, "submit")
    settle(page)
    # The form has items missing, so its button waits; submitting it all the same (the way a
    # button that came back would), the only dialog may be the confirmation of the submission,
    # not "items are still being saved".
    with page.expect_navigation(wait_until="load"):
        page.locator("form[data-kd-submit]").evaluate("f => f.requestSubmit()")
    assert all("Sau khi nộp" in said for said in page.dialogs), f"the submit button said: {page.dialogs}"


PAGES = [
    "member-home",
    "member-pledge-locked",
    "pledge-new",
    "pledge-draft",
    "pledge-refused",
    "pledge-submitted",
    "self-review",
    "self-review-saved",
    "self-review-missing",
    "self-review-link-opened",
    "self-review-points",
    "self-review-refused",
    "self-review-submitted",
    "self-review-print",
]
FORM_PAGES = [
    "self-review",
    "self-review-saved",
    "self-review-missing",
    "self-review-link-opened",
    "self-review-points",
    "self-review-refused",
    "self-review-submitted",
]
test_page_has_no_serious_accessibility_violation, test_page_is_valid_html = page_check_tests(PAGES)
