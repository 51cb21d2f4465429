"""An audit of the QĐ 366 / HD 43 regime against its rules (regulation-366.md): each test states
one rule, cites its ID, and proves what the code does at the rule's boundary or where the code
had drifted from the rule."""

import pytest

from reviews.models import QuarterlyEvaluation
from reviews.quarters import services
from reviews.quarters.results import year_panel
from reviews.quarters.setup import save_quarter_setup
from tests.reviews.helpers import fresh
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
