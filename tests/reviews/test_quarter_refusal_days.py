"""The days a quarter's refusals name (R366-QTR-2): the Vietnam day of the stored moment, not the
UTC one — 05:00 on 12/06 in Vietnam is 22:00 UTC on 11/06."""

import datetime

import pytest
from django.utils import translation

from reviews.models import QuarterlyEvaluation
from reviews.quarters import services
from reviews.workflow import WorkflowError
from tests.reviews.test_quarters import evaluation, quarter_world, self_assess

pytestmark = pytest.mark.django_db
EARLY_ON_12_06 = datetime.datetime(2026, 6, 11, 22, 0, tzinfo=datetime.UTC)  # 05:00 on 12/06 in Vietnam


@pytest.fixture
def qw(db):
    w = quarter_world()
    services.open_quarter(season=w.season, actor=w.board, number=2)
    return w


def test_r366_qtr_2_a_submitted_self_assessment_names_the_vietnam_day_it_was_sent(qw):
    w = qw
    self_assess(w, w.deputy, w.member_user)
    QuarterlyEvaluation.objects.filter(pk=evaluation(w, w.deputy).pk).update(submitted_at=EARLY_ON_12_06)
    with translation.override("vi"), pytest.raises(WorkflowError) as refused:
        services.save_quarter_draft(
            evaluation=evaluation(w, w.deputy), actor=w.member_user, values={"evidence": "x"}
        )
    assert "đã gửi ngày 12/06/2026" in refused.value.reasons[0], refused.value.reasons


def test_r366_qtr_2_a_decided_quarter_names_the_vietnam_day_it_was_decided(qw):
    w = qw
    self_assess(w, w.deputy, w.member_user)
    services.decide_quarter(
        evaluation=evaluation(w, w.deputy), actor=w.base_staff, general="25", tasks="60", level="HTTNV"
    )
    QuarterlyEvaluation.objects.filter(pk=evaluation(w, w.deputy).pk).update(decided_at=EARLY_ON_12_06)
    with translation.override("vi"), pytest.raises(WorkflowError) as refused:
        services.decide_quarter(
            evaluation=evaluation(w, w.deputy), actor=w.base_staff, general="25", tasks="60", level="HTTNV"
        )
    assert "12/06/2026" in refused.value.reasons[0] and "11/06/2026" not in refused.value.reasons[0]
