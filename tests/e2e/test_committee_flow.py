"""The base committee's staff (`dangu`) decides a cell's proposals within the quota (R-RATE-2).

The demo means its proposed cell to pass the quota when all its proposals are decided at once
(reviews/demo.py, `excellent=4`); the staging makes sure it does (see
staging.exceed_quota_in_proposed_cell). All or nothing: the batch over the quota is refused
with the figures on screen, then one level is lowered and the batch is decided.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import audit, page_check_tests, press, settle, vi

pytestmark = pytest.mark.e2e


def queue_row(page, name: str):
    return page.locator("#decide-form tbody tr").filter(has=page.get_by_role("link", name=name, exact=True))


def test_a_decision_over_the_quota_is_refused_then_made_within_it(fresh_server, open_as):
    facts = fresh_server.stage("demo_facts")
    season = facts["season"]
    cell = next(c for c in facts["cells"] if c["state"] == "proposed")
    staged = fresh_server.stage("exceed_quota_in_proposed_cell", code=cell["code"])
    over = f"HTXSNV {staged['capped']}/{staged['limit']}"  # e.g. "HTXSNV 5/4"

    page = open_as(fresh_server, "dangu")
    audit(page, "committee-home")
    press(page, page.locator(f"main a[href='/ky-kiem-diem/{season}/duyet/']").first)
    expect(page.locator("h1")).to_be_visible()
    audit(page, "queue")

    # The proposals of the cell, and only those.
    page.select_option("#id_org", cell["code"])
    press(page, page.locator("form[method=get] button[type=submit]"))
    boxes = page.locator("#decide-form input[type=checkbox][name=subject]")
    count = boxes.count()
    # Every proposal of the cell (the cell itself and its members) is the base committee's to decide.
    expect(page.locator("#decide-form tbody tr")).to_have_count(count)
    assert count > len(staged["excellent"])
    for name in staged["excellent"]:
        expect(queue_row(page, name)).to_contain_text("HTXSNV")

    # Tick them all: the meter counts them before anything is decided, and shows the excess.
    for box in boxes.all():
        box.check()
    settle(page)
    meter = page.locator("#quota-meter")
    expect(meter).to_contain_text(over)
    expect(meter.locator(".card.border-danger")).to_contain_text(over)
    audit(page, "queue-over-the-quota")

    press(page, page.locator(".decide-panel button[type=submit]"))
    refusal = page.locator(".messages .alert-danger")
    expect(refusal).to_contain_text(over)
    expect(refusal).to_contain_text("Vượt tỷ lệ mức xếp loại cao nhất")  # R-RATE-2
    expect(refusal).not_to_contain_text("(R-")
    expect(refusal).to_contain_text(f"20% × {staged['base']} HTTNV")
    # Nothing was decided; the selection is kept for another try.
    expect(boxes).to_have_count(count)
    for index in range(count):
        expect(boxes.nth(index)).to_be_checked()
    audit(page, "queue-refused", shot=True)

    # Lower one HTXSNV to HTTNV: within the quota now.
    lowered = staged["excellent"][-1]
    queue_row(page, lowered).locator("select[name^=level-]").select_option("HTTNV")
    settle(page)
    expect(meter).to_contain_text(f"HTXSNV {staged['capped'] - 1}/")
    expect(meter.locator(".card.border-danger")).to_have_count(0)
    # A level below the proposal is decided with its reason, which the member reads (R-STEP-1).
    page.fill("#decide-reason", "Trong tỷ lệ cho phép của nhóm")
    press(page, page.locator(".decide-panel button[type=submit]"))
    expect(page.locator(".messages .alert-success")).to_be_visible()
    if text := vi("%(n)d rating decided.", "%(n)d ratings decided.", count):
        expect(page.locator(".messages .alert-success")).to_contain_text(text % {"n": count})
    expect(boxes).to_have_count(0)
    audit(page, "queue-decided")

    # The decided levels: the lowered one HTTNV, the others as proposed.
    page.select_option("#id_state", "decided")
    press(page, page.locator("form[method=get] button[type=submit]"))
    expect(queue_row(page, lowered).locator("td").nth(3)).to_have_text(re.compile(r"\bHTTNV\b"))
    for name in staged["excellent"][:-1]:
        expect(queue_row(page, name).locator("td").nth(3)).to_have_text(re.compile(r"\bHTXSNV\b"))
    expect(page.locator("#quota-meter")).to_contain_text(f"HTXSNV {staged['capped'] - 1}/")
    audit(page, "queue-decided-list")


PAGES = [
    "committee-home",
    "queue",
    "queue-over-the-quota",
    "queue-refused",
    "queue-decided",
    "queue-decided-list",
]
test_page_has_no_serious_accessibility_violation, test_page_is_valid_html = page_check_tests(PAGES)
