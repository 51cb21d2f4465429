"""The season's quarters on the dashboard (issue 14; R366-QTR-3, R366-QTR-5): per quarter, the
leaders of the unit's subtree who have not self-assessed, those not yet evaluated, the decided
levels, a quarter not run shown as such; one query of the kept figures whatever the size
(reviews/quarters/kept.py; tests/reviews/test_kept_quarter_figures.py proves them)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reviews.models import QuarterlyEvaluation
from reviews.quarters import services
from reviews.quarters.dashboard import dashboard_quarters
from reviews.quarters.setup import save_quarter_setup
from tests.reviews.test_quarters import quarter_world
from tests.reviews.views.test_dashboard_pages import DASHBOARD_QUERIES

pytestmark = pytest.mark.django_db
E = QuarterlyEvaluation.State


def quarters_world(extra=0):
    """Every member of the world evaluated in Q2 (Q1 and Q3 not run): in CB1 two decided (HTTNV,
    HTNV) and one submitted; in CS2 one decided KHTNV and one returned; the rest drafts."""
    w = quarter_world(extra_members=extra)
    save_quarter_setup(season=w.season, actor=w.board, profiles=["LD", "KLD", "NHT"])
    quarter = services.open_quarter(season=w.season, actor=w.board, number=2)
    rows = QuarterlyEvaluation.objects.filter(quarter=quarter)

    def put(member, state, level=""):
        rows.filter(subject__member=member).update(state=state, decided_level=level)

    put(w.members1[0], E.DECIDED, "HTTNV")
    put(w.members1[1], E.DECIDED, "HTNV")
    put(w.members1[2], E.SUBMITTED)
    put(w.members3[0], E.DECIDED, "KHTNV")
    put(w.members3[1], E.RETURNED)
    return w, quarter


def test_r366_qtr_5_the_dashboard_counts_a_subtrees_quarters(client):
    w, quarter = quarters_world()
    everyone = QuarterlyEvaluation.objects.filter(quarter=quarter).count()
    unit = w.season.units.get(code="CS2")
    with CaptureQueriesContext(connection) as queries:
        found = dashboard_quarters(w.season, unit)
    assert len(queries) == 1
    q1, q2, q3 = found
    assert q1.progress is None and q3.progress is None  # not run: not evaluated, blocks nothing
    p = q2.progress
    assert (p.total, p.not_self_assessed, p.not_evaluated) == (2, 1, 1)
    assert dict(q2.levels) == {"HTXSNV": 0, "HTTNV": 0, "HTNV": 0, "KHTNV": 1}

    province = dashboard_quarters(w.season, w.season.units.get(code="TINH"))[1].progress
    assert province.total == everyone
    assert province.not_self_assessed == everyone - 4  # drafts and the returned one
    assert province.not_evaluated == everyone - 3
    assert province.by_level == {"HTTNV": 1, "HTNV": 1, "KHTNV": 1}

    client.force_login(w.commune_staff)
    page = client.get(reverse("reviews:dashboard", args=[w.season.pk, "CS2"]))
    html = page.content.decode()
    assert page.status_code == 200 and "data-dashboard-quarters" in html
    assert html.count("data-not-run") == 2
    assert reverse("reviews:quarters", args=[w.season.pk]) in html


@pytest.mark.parametrize("extra", [0, 120])
def test_r366_qtr_5_the_dashboard_with_quarters_runs_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, extra
):
    """The same bound for 12 and 132 evaluations: the quarters cost one query of the kept figures,
    no evaluation is read."""
    w, _quarter = quarters_world(extra)
    client.force_login(w.board)
    with django_assert_max_num_queries(DASHBOARD_QUERIES) as captured:
        response = client.get(reverse("reviews:dashboard", args=[w.season.pk, "TINH"]))
    assert response.status_code == 200
    assert response.context["quarters"][1].progress.total >= 12 + extra
    sql = [q["sql"] for q in captured.captured_queries]
    assert len([q for q in sql if "reviews_quarterfigure" in q]) == 1
    assert not [q for q in sql if "reviews_quarterlyevaluation" in q]
