"""An audit of the QĐ 366 / HD 43 regime against its rules (regulation-366.md): each test states
one rule, cites its ID, and proves what the code does at the rule's boundary or where the code
had drifted from the rule."""

import pytest
from django.utils import translation

from members.models import LeaveRecord
from reviews import workflow
from reviews.models import QuarterlyEvaluation
from reviews.quarters import services
from reviews.quarters.results import year_panel
from reviews.quarters.setup import save_quarter_setup
from tests.reviews.helpers import fresh
from tests.reviews.test_qd366 import reviewed_cell, world366
from tests.reviews.test_quarters import quarter_world

pytestmark = pytest.mark.django_db
E = QuarterlyEvaluation.State


def test_r366_qtr_1_and_qtr_4_a_profile_the_province_evaluates_quarterly_has_its_quarters_on_the_year():
    """R366-QTR-1: which posts are evaluated each quarter is configurable (default LĐ and LĐ-TW);
    R366-QTR-4: the product shows the quarters on the annual proposal. A member of a profile the
    province added (here KLĐ) is evaluated each quarter, so the year shows their quarters too."""
    w = quarter_world()
    save_quarter_setup(season=w.season, actor=w.board, profiles=["LD", "KLD", "NHT"])
    services.open_quarter(season=w.season, actor=w.board, number=2)
    member = w.members2[1]
    subject = fresh(w.subject(member=member))
    assert subject.profile not in ("LD", "LD_TW")
    QuarterlyEvaluation.objects.filter(quarter__number=2, subject=subject).update(
        state=E.DECIDED, decided_level="HTTNV", decided_points=85
    )
    panel = year_panel(subject)
    assert panel is not None
    assert [r.level for r in panel["results"]] == ["", "HTTNV", ""]


def test_r366_qtr_1_a_profile_not_evaluated_quarterly_shows_no_quarters_on_the_year():
    """R366-QTR-1: by default ordinary members (KLĐ, NHT) are not evaluated each quarter, so the
    year shows no quarters for them; a leader (LĐ) has them."""
    w = quarter_world()
    services.open_quarter(season=w.season, actor=w.board, number=2)
    assert year_panel(fresh(w.subject(member=w.members2[1]))) is None
    assert year_panel(fresh(w.subject(member=w.head))) is not None


def test_r366_rate_11_sick_leave_of_3_months_is_rated_on_the_work_done_and_89_days_says_nothing():
    """R366-RATE-11: a member sick for 3 months or more in the year (90 days, the rule set's
    `sick_leave_days`), like one on maternity leave, is rated on the work actually done that year,
    with no cap: the proposal says so, and blocks nothing. 89 days is not 3 months: no note."""
    w = world366()
    long_sick, short_sick = w.members1[3], w.members1[2]
    LeaveRecord.objects.create(member=long_sick, year=2026, kind=LeaveRecord.Kind.SICK, days=90)
    LeaveRecord.objects.create(member=short_sick, year=2026, kind=LeaveRecord.Kind.SICK, days=89)
    _cell, members = reviewed_cell(w, points={"general": "30", "tasks": "65"}, level="HTXSNV")
    by_member = {m.member_id: m for m in members}
    with translation.override("vi"):
        verdict = workflow.blockers(
            fresh(by_member[long_sick.pk]), "propose", actor=w.secretary, level="HTXSNV"
        )
        short = workflow.blockers(
            fresh(by_member[short_sick.pk]), "propose", actor=w.secretary, level="HTXSNV"
        )
    assert verdict.allowed, verdict.blockers
    assert any("Nghỉ ốm 90 ngày" in note and "thực tế" in note for note in verdict.warnings), verdict.warnings
    assert short.allowed and not any("Nghỉ ốm" in note for note in short.warnings), short.warnings
