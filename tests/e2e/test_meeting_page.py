"""The meeting page shows only what is recorded (`bithu`, secretary of the login cell).

- Enter in a row saves that row with one POST and nothing else: no request to the row's address
  by GET (htmx used to send the quota meter's GET to the formaction of the row button the
  shortcut had pressed: a 405), and the next row's confirmation stays.
- A row the engine refused shows the refusal, never "Ready", and its level is not counted in the
  quota meter (R-RATE-2); the refusal goes when its cause does.
- The meter's words match its numbers: 0 of 1 is within the quota, nothing counted yet is not "at
  the limit", over the quota says by how many cases.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import audit, page_check_tests, settle, vi

pytestmark = pytest.mark.e2e

METER_ADDRESS = re.compile(r"/hop/dinh-muc/")


@pytest.fixture(scope="module")
def staged(fresh_server):
    fresh_server.stage("meeting_open_for_members")
    facts = fresh_server.stage("demo_facts")
    return facts


def meeting_page(server, open_as, facts):
    page = open_as(server, "bithu")
    page.goto(server.url(f"/ky-kiem-diem/{facts['season']}/chi-bo/{facts['units']['bithu']['code']}/hop/"))
    settle(page)
    return page


def row(page, member):
    return page.locator(f"#row-{member['pk']}")


def fill_row(page, member, *, level: str = "", votes: int | None = None):
    """Reviewed, with the votes and the proposed level typed (nothing saved)."""
    found = row(page, member)
    found.locator("select.js-outcome").select_option("reviewed")
    if votes is not None:
        found.locator(f"input[name='{member['pk']}-votes_HTTNV']").fill(str(votes))
    if level:
        found.locator("select.js-level").select_option(level)
        civil = found.locator("select[name$='-civil_service_level']")
        if civil.count():
            civil.select_option(level)
    settle(page)


def capped(page, label_part: str = "") -> int:
    meters = (
        page.locator("#quota-meter > div", has_text=label_part)
        if label_part
        else page.locator("#quota-meter > div")
    )
    return sum(
        int(re.search(r"HTXSNV (\d+)", t).group(1)) for t in meters.locator("strong").all_inner_texts()
    )


def ready_marks(page, member):
    return row(page, member).locator(f"#status-{member['pk']} .text-success-emphasis", has_text="✓")


def test_a_refused_row_is_neither_counted_nor_ready_until_its_cause_is_gone(fresh_server, staged, open_as):
    order = staged["meeting_order"]
    head, deputy, third, fourth = order[0], order[1], order[2], order[3]
    page = meeting_page(fresh_server, open_as, staged)

    # The deputy before the head (R-ORDER-3): refused, never "Ready", until the head is reviewed.
    fill_row(page, deputy, votes=1)
    row(page, deputy).locator(".js-save-row").click()
    settle(page)
    expect(row(page, deputy).locator(".js-refused")).to_be_visible()
    expect(row(page, deputy)).to_have_class(re.compile(r"\btable-danger\b"))
    expect(ready_marks(page, deputy)).to_have_count(0)
    audit(page, "meeting-row-refused")
    fill_row(page, head, votes=1)
    row(page, head).locator(".js-save-row").click()
    settle(page)
    expect(row(page, deputy).locator(".js-refused")).to_have_count(0)
    expect(ready_marks(page, deputy)).to_have_count(1)
    row(page, deputy).locator(".js-save-row").click()
    settle(page)
    expect(row(page, deputy)).to_have_class(re.compile(r"\btable-success\b"))

    # Reviewed and saved: the row is ready for its proposal.
    fill_row(page, third)
    row(page, third).locator(".js-save-row").click()
    settle(page)
    expect(ready_marks(page, third)).to_have_count(1)
    # HTXSNV typed: the live meter counts it before it is saved.
    before = capped(page)
    row(page, third).locator("select.js-level").select_option("HTXSNV")
    settle(page)
    assert capped(page) == before + 1
    # Saved: the engine refuses (the points do not reach HTXSNV under QĐ 366, the civil-service
    # rating under QĐ 124): the refusal stays, the row is not ready, the meter does not count it.
    row(page, third).locator(".js-save-row").click()
    settle(page)
    expect(row(page, third).locator(".js-refused")).to_be_visible()
    expect(row(page, third)).to_have_class(re.compile(r"\btable-danger\b"))
    expect(ready_marks(page, third)).to_have_count(0)
    assert capped(page) == before
    # Another row's level asks for the meter again: the refused row is still not counted.
    row(page, fourth).locator("select.js-level").select_option("HTNV")
    settle(page)
    assert capped(page) == before
    row(page, fourth).locator("select.js-level").select_option("")
    settle(page)
    # Another row saved: the third row's own cause (the level typed) is still there, so is its refusal.
    fill_row(page, fourth)
    row(page, fourth).locator(".js-save-row").click()
    settle(page)
    expect(row(page, fourth)).to_have_class(re.compile(r"\btable-success\b"))
    expect(row(page, third).locator(".js-refused")).to_be_visible()
    assert capped(page) == before
    states = {m["pk"]: m["state"] for m in fresh_server.stage("demo_facts")["meeting_order"]}
    assert states[third["pk"]] == states[fourth["pk"]] == "reviewed"
    assert states[head["pk"]] == states[deputy["pk"]] == "reviewed"


def test_enter_saves_the_row_with_one_request_and_keeps_each_confirmation(fresh_server, staged, open_as):
    order = staged["meeting_order"]
    first, second = order[4], order[5]
    fresh_server.stage("review_the_first", count=2)  # the head and the deputy come first
    page = meeting_page(fresh_server, open_as, staged)
    seen = []
    page.on("request", lambda r: seen.append((r.method, r.url)))
    answers = []
    page.on("response", lambda r: answers.append((r.request.method, r.url, r.status)))

    fill_row(page, first, level="HTTNV", votes=1)
    row(page, first).locator("select.js-level").press("Enter")
    settle(page)
    expect(row(page, first)).to_have_class(re.compile(r"\btable-success\b"))
    # The focus went on to the next row, where the secretary types on.
    assert page.evaluate("document.activeElement.closest('.js-row').id") == f"row-{second['pk']}"

    fill_row(page, second, level="HTTNV", votes=1)  # the level change asks for the meter
    row(page, second).locator(f"input[name='{second['pk']}-votes_HTTNV']").press("Enter")
    settle(page)
    expect(row(page, second)).to_have_class(re.compile(r"\btable-success\b"))
    expect(row(page, first)).to_have_class(re.compile(r"\btable-success\b"))  # kept, not lost

    posts = [url for method, url in seen if method == "POST"]
    assert len(posts) == 2, posts
    assert posts[0].endswith(f"/hop/{first['pk']}/") and posts[1].endswith(f"/hop/{second['pk']}/")
    stray = [(m, u) for m, u in seen if m == "GET" and not METER_ADDRESS.search(u)]
    assert not stray, stray
    failed = [a for a in answers if a[2] >= 400]
    assert not failed, failed
    states = {m["pk"]: m["state"] for m in fresh_server.stage("demo_facts")["meeting_order"]}
    assert states[first["pk"]] == states[second["pk"]] == "proposed"


def test_the_meter_words_match_its_numbers(fresh_server, staged, open_as):
    order = staged["meeting_order"]
    page = meeting_page(fresh_server, open_as, staged)
    meters = page.locator("#quota-meter > div")
    texts = meters.all_inner_texts()

    # 0 of 1: one place left, within the quota (not "near the limit").
    one = next((t for t in texts if re.search(r"HTXSNV 0 / \D*1 \(", t)), None)
    assert one is not None, texts  # the demo's leaders' group: 20 % of 6 HTTNV
    assert (vi("Within the quota") or "Within the quota") in one, one
    assert (vi("Near the limit") or "Near the limit") not in one, one

    # Over the quota: the live meter says by how many cases, not "2 / 1".
    group = [m for m in order[6:] if m["state"] == "submitted"]
    limit_text = page.locator("#quota-meter").inner_text()
    # The levels chosen in every row but the last without a request each, then the last one
    # chosen as a user would: one request to the meter with all of them.
    *others, last = group
    page.evaluate(
        "pks => pks.forEach(pk => { document.querySelector(`select[name='${pk}-level']`).value = 'HTXSNV'; })",
        [m["pk"] for m in others],
    )
    row(page, last).locator("select.js-level").select_option("HTXSNV")
    settle(page)
    over = page.locator("#quota-meter > div", has=page.locator(".badge.text-bg-danger")).first
    expect(over).to_be_visible()
    headline = over.locator("strong").inner_text()
    assert re.search(r"vượt \d+ trường hợp", headline), (limit_text, headline)
    assert not re.search(r"HTXSNV \d+ / ", headline), headline
    expect(over.locator(".badge")).to_have_text(vi("Over the quota") or "Over the quota")
    audit(page, "meeting-meter-over")

    # A group in which nothing is decided yet: not "0/0, at the limit".
    alone = group[-1]
    label = fresh_server.stage("empty_quota_group", subject=alone["pk"])["label"]
    page.goto(page.url)  # a new visit: no level chosen on the page any more
    settle(page)
    empty = page.locator("#quota-meter > div", has_text=label)
    expect(empty).to_be_visible()
    text = empty.inner_text()
    assert "0 / " not in text and "0/0" not in text, text
    for word in ("At the limit", "Near the limit", "At the limit: no place left."):
        assert (vi(word) or word) not in text, text
    expect(empty.locator(".badge")).to_have_text(vi("Nothing counted yet") or "Nothing counted yet")
    audit(page, "meeting-meter-empty")


PAGES = ["meeting-row-refused", "meeting-meter-over", "meeting-meter-empty"]
test_page_has_no_serious_accessibility_violation, test_page_is_valid_html = page_check_tests(PAGES)
