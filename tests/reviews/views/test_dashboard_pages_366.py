"""The dashboard of a QĐ 366 season: the points histogram per level, the average points per
subordinate organization, and how many subjects each condition holds below the band of their
points (R366-SCORE-1, R366-RATE-2, R366-RATE-3)."""

import pytest
from django.urls import reverse

from reviews import workflow
from tests.reviews.helpers import complete_366, fresh, task_rows
from tests.reviews.test_qd366 import reviewed_cell, world366
from tests.reviews.views.test_dashboard_pages import DASHBOARD_QUERIES

pytestmark = pytest.mark.django_db
POINTS_QUERIES = 0  # the histogram and the conditions come from the unit's kept rows


def decided_cell(w):
    """CB1's members scored 87 (HTTNV), one of them with 2 of 10 tasks late (HTXSNV-band points
    held at HTNV by the conditions), all decided."""
    cell, members = reviewed_cell(w)
    late = members[3]
    workflow.propose(
        proposals=[workflow.ProposalInput(subject=m, level="HTTNV") for m in members if m.pk != late.pk],
        actor=w.secretary,
    )
    workflow.propose(
        proposals=[
            workflow.ProposalInput(subject=fresh(late), level="HTNV", points={"general": "29", "tasks": "63"})
        ],
        actor=w.secretary,
    )
    workflow.decide(decisions=[workflow.DecisionInput(subject=fresh(m)) for m in members], actor=w.base_staff)
    return cell, members, late


def test_r366_score_1_the_dashboard_shows_points_by_band_and_level_and_per_organization(client):
    w = world366()
    # The late member's own task list: 2 of 10 late, so HTTNV's "every task on time" fails.
    complete_366(w.subject(member=w.members1[3]), w.secretary, tasks=task_rows(5, 3, late=2), level="HTNV")
    decided_cell(w)
    client.force_login(w.board)
    response = client.get(reverse("reviews:dashboard", args=[w.season.pk, "TINH"]))
    points = response.context["figures"].points
    by_band = {row["label"]: row["counts"] for row in points["rows"]}
    assert by_band["80 đến dưới 90"] == [0, len(w.members1) - 1, 0, 0]  # 87 points, HTTNV
    assert by_band["90 đến 100"] == [0, 0, 1, 0]  # 92 points, held at HTNV
    conditions = {row["code"]: row["count"] for row in points["conditions"]}
    assert conditions["on_time"] == 1 and conditions["exceeded"] == 0
    html = response.content.decode()
    assert "Điểm theo thang 100" in html and 'data-condition="on_time"' in html
    commune = next(row for row in response.context["children"] if row["unit"].code == "XA1")
    assert commune["average_points"] is not None


@pytest.mark.parametrize("extra", [0, 150])
def test_the_366_dashboard_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries, extra):
    w = world366(extra_members=extra)
    client.force_login(w.board)
    with django_assert_max_num_queries(DASHBOARD_QUERIES + POINTS_QUERIES):
        assert client.get(reverse("reviews:dashboard", args=[w.season.pk, "TINH"])).status_code == 200
