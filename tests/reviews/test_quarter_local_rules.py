"""R366-QTR-4, the optional local rules as the engine applies them (off by default): a quarter
evaluated KHTNV bars the year's HTXSNV at the proposal and at the decision, with a refusal that
says what blocks, who acts and links to the quarter; two consecutive KHTNV quarters flag the
leader for reassignment on the deciding level's page and on the quarters' progress page."""

import pytest
from django.urls import reverse

from reviews import workflow
from reviews.facts import Facts
from reviews.models import QuarterlyEvaluation, Subject
from reviews.quarters import services
from reviews.quarters.setup import save_quarter_setup
from reviews.rules import level_problems
from reviews.workflow import WorkflowError
from tests.reviews.helpers import fresh
from tests.reviews.test_qd366 import propose_one, reviewed_cell
from tests.reviews.test_quarters import quarter_world

pytestmark = pytest.mark.django_db
E = QuarterlyEvaluation.State


def rated(w, member, number, level="KHTNV"):
    """Quarter `number` of `member` decided at `level` (the quarter's own steps are tested in
    tests/reviews/test_quarters.py)."""
    QuarterlyEvaluation.objects.filter(
        quarter__season=w.season, quarter__number=number, subject__member=member
    ).update(state=E.DECIDED, decided_level=level, decided_points=40 if level == "KHTNV" else 85)
    return QuarterlyEvaluation.objects.get(quarter__number=number, subject__member=member)


@pytest.fixture
def khtnv_q2(db):
    """The deputy (a leader of CB1) evaluated KHTNV in quarter 2; CB1 reviewed with 95 points each
    (HTXSNV allowed by the points)."""
    w = quarter_world()
    services.open_quarter(season=w.season, actor=w.board, number=2)
    w.q2 = rated(w, w.deputy, 2)
    reviewed_cell(w, points={"general": "30", "tasks": "65"}, level="HTXSNV")
    w.deputy_subject = w.subject(member=w.deputy)
    return w


def quarter_reasons(subject, level="HTXSNV"):
    subject = fresh(subject)
    return [
        r for r in level_problems(subject, level, Facts(subject.season, [subject])) if r.rule == "R366-QTR-4"
    ]


def test_r366_qtr_4_switch_off_a_khtnv_quarter_bars_nothing(khtnv_q2):
    w = khtnv_q2
    assert quarter_reasons(w.deputy_subject) == []
    propose_one(fresh(w.deputy_subject), w.secretary, "HTXSNV")
    assert fresh(w.deputy_subject).proposed_level == "HTXSNV"


def test_r366_qtr_4_switch_on_the_proposal_of_htxsnv_is_refused_with_the_quarter(khtnv_q2):
    w = khtnv_q2
    save_quarter_setup(season=w.season, actor=w.board, profiles=["LD"], khtnv_quarter_bars_excellent=True)
    (reason,) = quarter_reasons(w.deputy_subject)
    assert "2" in reason and "KHTNV" in reason and "HTXSNV" in reason and w.deputy_subject.name in reason
    assert reason.who and reason.url == reverse("reviews:quarter-form", args=[w.season.pk, w.q2.pk])
    assert "R366" not in str(reason)  # the rule is for code, not for the reader
    with pytest.raises(WorkflowError) as refused:
        propose_one(fresh(w.deputy_subject), w.secretary, "HTXSNV")
    assert any(getattr(r, "rule", "") == "R366-QTR-4" for r in refused.value.reasons)
    assert fresh(w.deputy_subject).state == Subject.State.REVIEWED  # nothing saved
    # A lower level is allowed; a leader without a KHTNV quarter is not barred.
    assert quarter_reasons(w.deputy_subject, "HTTNV") == []
    assert quarter_reasons(w.subject(member=w.head)) == []


def test_r366_qtr_4_switch_on_after_the_proposal_the_decision_is_refused(khtnv_q2):
    w = khtnv_q2
    propose_one(fresh(w.deputy_subject), w.secretary, "HTXSNV")
    save_quarter_setup(season=w.season, actor=w.board, profiles=["LD"], khtnv_quarter_bars_excellent=True)
    with pytest.raises(WorkflowError) as refused:
        workflow.decide(
            decisions=[workflow.DecisionInput(subject=fresh(w.deputy_subject))], actor=w.base_staff
        )
    assert any(getattr(r, "rule", "") == "R366-QTR-4" for r in refused.value.reasons)
    assert fresh(w.deputy_subject).state == Subject.State.PROPOSED


def test_r366_qtr_4_two_consecutive_khtnv_quarters_flag_the_leader(khtnv_q2, client):
    w = khtnv_q2
    services.open_quarter(season=w.season, actor=w.board, number=3)
    rated(w, w.deputy, 3)
    progress = reverse("reviews:quarters", args=[w.season.pk])
    subject_page = reverse("reviews:subject", args=[w.season.pk, w.deputy_subject.pk])
    client.force_login(w.base_staff)
    assert "data-reassignment-flag" not in client.get(progress).content.decode()  # off by default
    assert "data-reassignment-flag" not in client.get(subject_page).content.decode()
    save_quarter_setup(season=w.season, actor=w.board, profiles=["LD"], flag_two_khtnv_quarters=True)
    page = client.get(progress).content.decode()
    assert page.count("data-reassignment-flag>") == 1 and w.deputy_subject.name in page
    assert "data-reassignment-flag" in client.get(subject_page).content.decode()
    # Q2 and Q3 apart from each other do not flag: only Q3 KHTNV.
    rated(w, w.deputy, 2, level="HTNV")
    page = client.get(progress).content.decode()
    assert "data-reassignment-flags" in page and "data-reassignment-flag>" not in page
