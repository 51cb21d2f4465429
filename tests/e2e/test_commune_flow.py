"""The commune committee's staff (`bantochuc`) and the base organization below it (R-ORDER-5,
R366-ORDER-3: lower before upper).

The demo proposed the base organization (and its standing committee) to the commune while its
cells are not all rated: the commune's board and queue say so, naming the cells, before anything
is pressed, and a decision is refused. Then the base committee (`dangu`) decides its cells (the
steps before the decisions are staged: staging.bring_cells_to_proposal) and the commune decides
the base organization.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import audit, page_check_tests, press, settle

pytestmark = pytest.mark.e2e
# What the engine says of an organization whose subordinates are not all rated (no rule code).
WAITING = "tập thể trực thuộc chưa được xếp loại"


def queue_row(page, name: str):
    return page.locator("#decide-form tbody tr").filter(has=page.get_by_role("link", name=name, exact=True))


def filter_queue(page, *, org: str = "", state: str = "proposed"):
    page.select_option("#id_org", org)
    page.select_option("#id_state", state)
    press(page, page.locator("form[method=get] button[type=submit]"))


def decide_all(page) -> int:
    """Tick every proposal and decide them at once, lowering HTXSNV proposals to HTTNV first so
    that the batch stays within the quota (the committee's call; R-RATE-2 is tested elsewhere)."""
    lowered = False
    for select in page.locator("#decide-form select[name^=level-]").all():
        if select.locator("option[value=HTXSNV]").count() == 0:  # the proposal itself is HTXSNV
            select.select_option("HTTNV")
            lowered = True
    if lowered:  # a level below the proposal is decided with its reason (R-STEP-1)
        page.fill("#decide-reason", "Giữ trong tỷ lệ cho phép")
    boxes = page.locator("#decide-form input[type=checkbox][name=subject]")
    count = boxes.count()
    for box in boxes.all():
        box.check()
    settle(page)
    press(page, page.locator(".decide-panel button[type=submit]"))
    return count


def test_the_base_organization_waits_for_its_cells_then_the_commune_decides_it(fresh_server, open_as):
    facts = fresh_server.stage("demo_facts")
    season, base, commune = facts["season"], facts["units"]["dangu"], facts["units"]["bantochuc"]
    undecided = [c["name"] for c in facts["cells"] if c["state"] != "decided"]
    assert undecided
    # The engine names the subordinate collectives not yet rated: how many, and the first ten.
    waiting_collectives = re.compile(
        rf"\b{sum(c['undecided_collectives'] for c in facts['cells'])}\b.*" + re.escape(undecided[0])
    )

    page = open_as(fresh_server, "bantochuc")
    audit(page, "commune-home")

    # Who blocks whom, from the commune: the base organization is held by its cells (R-ORDER-5).
    press(page, page.locator(f"main a[href='/ky-kiem-diem/{season}/tien-do/{commune['code']}/']").first)
    expect(page.locator("h1")).to_contain_text(commune["name"])
    board_row = page.locator("tbody tr").filter(has=page.get_by_role("link", name=base["name"], exact=True))
    expect(board_row).to_contain_text(WAITING)
    expect(board_row).to_contain_text(waiting_collectives)
    audit(page, "commune-board-blocked", shot=True)

    # The queue says the same before anything is pressed; the row is marked blocked.
    page.goto(fresh_server.url(f"/ky-kiem-diem/{season}/duyet/"))
    filter_queue(page, org=base["code"])
    blocked = queue_row(page, base["name"])
    expect(blocked).to_contain_text(WAITING)
    expect(blocked).to_contain_text(waiting_collectives)
    expect(blocked.locator(".badge.text-bg-danger")).to_be_visible()
    expect(blocked.locator("input[name=subject]")).to_have_attribute("data-blocked", "1")
    audit(page, "commune-queue-blocked", shot=True)

    # Pressing anyway: refused, with the same reason.
    blocked.locator("input[name=subject]").check()
    press(page, page.locator(".decide-panel button[type=submit]"))
    expect(page.locator(".messages .alert-danger").first).to_contain_text(WAITING)
    expect(queue_row(page, base["name"])).to_contain_text(WAITING)
    audit(page, "commune-queue-refused")

    # The base committee decides the cells (their reports, meetings and proposals staged).
    waiting = fresh_server.stage("bring_cells_to_proposal", base_code=base["code"])["waiting"]
    assert set(waiting) == set(undecided)
    staff = open_as(fresh_server, "dangu")
    staff.goto(fresh_server.url(f"/ky-kiem-diem/{season}/duyet/"))
    for name in undecided:
        expect(queue_row(staff, name)).to_be_visible()
    audit(staff, "base-queue-cells")
    decided = decide_all(staff)
    assert decided >= len(undecided)
    expect(staff.locator(".messages .alert-success")).to_be_visible()
    expect(staff.locator("#decide-form input[name=subject]")).to_have_count(0)
    audit(staff, "base-queue-cells-decided")

    # Back at the commune: nothing holds the base organization; decide it and its committee.
    page.goto(fresh_server.url(f"/ky-kiem-diem/{season}/duyet/?org={base['code']}&state=proposed"))
    ready = queue_row(page, base["name"])
    expect(ready).not_to_contain_text(WAITING)
    # Its standing committee is rated first (R366-ORDER-3): nothing holds it; the organization
    # waits only for it, and one batch holds both.
    committee = queue_row(page, f"Ban Thường vụ (Đảng ủy) {base['name']}")
    expect(committee.locator(".badge.text-bg-success")).to_be_visible()
    expect(ready).to_contain_text("được xếp loại trước tổ chức đảng")
    audit(page, "commune-queue-ready")
    assert decide_all(page) == 2  # the base organization and its standing committee
    expect(page.locator(".messages .alert-success")).to_be_visible()
    audit(page, "commune-queue-decided")

    page.goto(fresh_server.url(f"/ky-kiem-diem/{season}/tien-do/{commune['code']}/"))
    board_row = page.locator("tbody tr").filter(has=page.get_by_role("link", name=base["name"], exact=True))
    expect(board_row).not_to_contain_text(WAITING)
    expect(board_row.locator(".badge.text-bg-success").first).to_contain_text("HTTNV")
    audit(page, "commune-board-after")


PAGES = [
    "commune-home",
    "commune-board-blocked",
    "commune-queue-blocked",
    "commune-queue-refused",
    "base-queue-cells",
    "base-queue-cells-decided",
    "commune-queue-ready",
    "commune-queue-decided",
    "commune-board-after",
]
QUEUES = [name for name in PAGES if "-queue-" in name]
test_page_has_no_serious_accessibility_violation, test_page_is_valid_html = page_check_tests(PAGES)
