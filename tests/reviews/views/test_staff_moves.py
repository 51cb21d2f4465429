"""A cell waiting for its committee's proposal shows in the committee's queue (R-STEP-1: the staff
of the deciding committee propose a collective's level), and the blockers board filters and sorts
its organizations by whose move it is, on the server, without JavaScript."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organizations.models import Kind
from reviews.models import Subject
from tests.factories import make_org
from tests.reviews.conftest import REFERENCE, build_world, open_season_124
from tests.reviews.helpers import fresh, propose
from tests.reviews.views.test_staff_pages import BOARD_QUERIES, QUEUE_QUERIES, as_user, reviewed, url

pytestmark = pytest.mark.django_db
S = Subject.State


def test_cells_waiting_for_the_committees_proposal_are_in_its_queue(world, client):
    w = world
    reviewed(w)
    response = as_user(client, w.base_staff).get(url("queue", w))
    waiting = {item.subject.name: item for item in response.context["to_propose"]}
    assert set(waiting) == {"Chi bộ Tổ Toán", "Chi bộ Tổ Văn"}
    assert all(item.can_propose for item in waiting.values())
    html = response.content.decode()
    cell = w.subject(unit=w.cell1)
    assert f'href="{url("subject", w, cell.pk)}#propose"' in html
    # The committee's leader follows the queue: listed, no button.
    leader = as_user(client, w.leader).get(url("queue", w))
    assert {i.subject.name for i in leader.context["to_propose"]} == set(waiting)
    assert not any(i.can_propose for i in leader.context["to_propose"])
    # Once proposed, the cell leaves this list for the list of proposals to decide.
    propose([fresh(cell)], w.base_staff)
    after = as_user(client, w.base_staff).get(url("queue", w))
    assert {i.subject.name for i in after.context["to_propose"]} == {"Chi bộ Tổ Văn"}
    assert "Chi bộ Tổ Toán" in {row.subject.name for row in after.context["rows"]}


def test_the_commune_queue_does_not_list_the_cells_its_base_committee_proposes(world, client):
    w = world
    reviewed(w)
    response = as_user(client, w.commune_staff).get(url("queue", w))
    assert response.context["to_propose"] == []


def board_world(cells: int):
    w = build_world(open_now=False)
    for n in range(cells):
        make_org(
            Kind.CELL, w.base, name=f"Chi bộ Thêm {n:02d}", code=f"TH{n:02d}", has_leadership_collective=False
        )
    w.season = open_season_124(top_organization=w.province, year=2026, reference_date=REFERENCE)
    # CB1 reviewed, its members proposed: the base committee's move. CB2 and the others: drafts.
    Subject.objects.filter(season=w.season, unit__organization=w.cell1).exclude(kind="member").update(
        state=S.REVIEWED
    )
    Subject.objects.filter(season=w.season, member__in=w.members1).update(
        state=S.PROPOSED, proposed_level="HTTNV"
    )
    return w


def test_blockers_board_filters_and_sorts_by_whose_move(client):
    w = board_world(0)
    client = as_user(client, w.base_staff)
    board = client.get(url("blockers", w, "CS1"))
    moves = {row.unit.code: row.move for row in board.context["rows"]}
    assert moves["CB1"].key == "committee" and "Đảng bộ Trường An Bình" in moves["CB1"].text
    assert moves["CB2"].key == "unit"
    # Every party who can act now is named (in Vietnamese); the filter matches any of them.
    cb1 = next(r for r in board.context["rows"] if r.unit.code == "CB1")
    assert [m.text for m in cb1.moves] == [
        "Đảng bộ Trường An Bình đề xuất mức xếp loại của Chi bộ Tổ Toán.",
        "Đảng bộ Trường An Bình quyết định xếp loại đảng viên.",
    ]
    members = client.get(url("blockers", w, "CS1"), {"move": "members"})
    assert [r.unit.code for r in members.context["rows"]] == ["CB2"]
    assert [r.unit.code for r in board.context["rows"]] == ["CB1", "CB2"]
    html = board.content.decode()
    assert (
        '<select class="form-select form-select-sm" name="move"' in html and 'data-move="committee"' in html
    )

    only = client.get(url("blockers", w, "CS1"), {"move": "committee"})
    assert [r.unit.code for r in only.context["rows"]] == ["CB1"]
    assert 'value="committee" selected' in only.content.decode()
    assert [r.unit.code for r in client.get(url("blockers", w, "CS1"), {"sort": "move"}).context["rows"]] == [
        "CB2",
        "CB1",
    ]
    assert client.get(url("blockers", w, "CS1"), {"move": "nobody"}).context["rows"] == []
    # A value that is not a choice filters nothing (the form says so by ignoring it).
    assert len(client.get(url("blockers", w, "CS1"), {"move": "x"}).context["rows"]) == 2


@pytest.mark.parametrize("cells", [2, 30])
def test_blockers_board_filter_costs_the_same_queries_whatever_the_organizations(client, cells):
    w = board_world(cells)
    client = as_user(client, w.base_staff)
    counts = []
    client.get(url("blockers", w, "CS1"))  # the session's first request loads what later ones reuse
    for query in ({}, {"move": "unit", "sort": "move"}):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url("blockers", w, "CS1"), query)
        counts.append(len(queries))
    assert len(response.context["rows"]) == 1 + cells
    assert counts[0] == counts[1] <= BOARD_QUERIES
    assert counts[0] == BOARD_COUNTS.setdefault("board", counts[0])  # the same for 2 and 30 cells


@pytest.mark.parametrize("cells", [2, 30])
def test_queue_with_cells_waiting_for_a_proposal_costs_the_same_queries(client, cells):
    w = board_world(cells)
    Subject.objects.filter(season=w.season, unit__parent__organization=w.base).exclude(kind="member").update(
        state=S.REVIEWED
    )
    client = as_user(client, w.base_staff)
    client.get(url("queue", w))  # the session's first request loads what later ones reuse
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url("queue", w))
    assert len(response.context["to_propose"]) == 2 + cells
    assert len(queries) <= QUEUE_QUERIES
    assert len(queries) == BOARD_COUNTS.setdefault("queue", len(queries))


BOARD_COUNTS: dict[str, int] = {}
