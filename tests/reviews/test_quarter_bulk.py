"""Deciding several quarters in one step (issue 14; R366-QTR-2, R366-QTR-4): each at the points
and level self-assessed, with the single decision's guarantees (access, state, band, quota when
switched on, one audit event each, notices); a refused row is reported and left untouched; the
number of statements does not grow with the batch."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reviews.audit import verify_chain
from reviews.models import Event, Notification, QuarterlyEvaluation
from reviews.quarters import services
from reviews.quarters.bulk import decide_quarters
from reviews.quarters.setup import save_quarter_setup
from reviews.workflow import WorkflowError
from tests.reviews.test_quarters import evaluation, quarter_world, self_assess

pytestmark = pytest.mark.django_db
E = QuarterlyEvaluation.State


@pytest.fixture
def cb1(db):
    """Quarter 2 with every member of CB1 evaluated (decided by CS1's staff); all but the last
    self-assessed 85 points, HTTNV."""
    w = quarter_world()
    save_quarter_setup(season=w.season, actor=w.board, profiles=["LD", "KLD", "NHT"])
    w.quarter = services.open_quarter(season=w.season, actor=w.board, number=2)
    for member in w.members1[:-1]:
        self_assess(w, member, w.secretary, general="25", tasks="60", level="HTTNV")
    return w


def pks(w, members):
    return [evaluation(w, m).pk for m in members]


def test_r366_qtr_2_bulk_decides_each_at_its_self_assessment_and_reports_refusals(cb1):
    w = cb1
    already = evaluation(w, w.members1[0])
    services.decide_quarter(evaluation=already, actor=w.base_staff, general="20", tasks="50", level="HTNV")
    draft = evaluation(w, w.members1[-1])
    before = Event.objects.count()
    result = decide_quarters(quarter=w.quarter, actor=w.base_staff, pks=pks(w, w.members1))
    decided = {e.subject.member_id for e in result.decided}
    assert decided == {m.pk for m in w.members1[1:-1]}
    refused = {e.pk: reasons for e, reasons in result.refused}
    assert set(refused) == {already.pk, draft.pk} and all(refused.values())
    for member in w.members1[1:-1]:
        e = evaluation(w, member)
        assert (e.state, e.decided_general, e.decided_tasks, e.decided_points, e.decided_level) == (
            E.DECIDED,
            Decimal("25"),
            Decimal("60"),
            Decimal("85"),
            "HTTNV",
        )
        assert e.decided_by == w.base_staff
    # The refused rows are as they were.
    assert evaluation(w, w.members1[0]).decided_level == "HTNV"
    assert evaluation(w, w.members1[-1]).state == E.DRAFT
    events = Event.objects.filter(action="quarter_decide").order_by("seq")[1:]
    assert Event.objects.count() == before + len(decided) and len(events) == len(decided)
    assert all(e.data["bulk"] and e.data["level"] == "HTTNV" for e in events)
    assert verify_chain(w.season) is None
    # The deputy (who has a login) hears of their quarter.
    assert Notification.objects.filter(user=w.member_user, kind=Notification.Kind.DECIDED).exists()


def test_r366_qtr_2_bulk_refuses_a_body_that_is_not_the_managing_body(cb1):
    w = cb1
    result = decide_quarters(quarter=w.quarter, actor=w.commune_staff, pks=pks(w, w.members1[:3]))
    assert not result.decided and len(result.refused) == 3
    assert "Đảng bộ Trường An Bình" in result.refused[0][1][0]
    assert not QuarterlyEvaluation.objects.filter(state=E.DECIDED).exists()
    with pytest.raises(WorkflowError):
        decide_quarters(quarter=w.quarter, actor=w.base_staff, pks=[])


def test_r366_qtr_4_bulk_applies_the_quota_when_switched_on(cb1):
    """R366-QTR-4 with R366-RATE-10: the head self-assessed HTXSNV; with the quota on, the leaders'
    group (the head and the deputy, HTTNV) allows none (20 % of one, rounded down): the head's row
    is refused and left as it was, the others are decided in the same step."""
    w = cb1
    services.return_quarter_evaluation(evaluation=evaluation(w, w.head), actor=w.base_staff, reason="Sửa")
    self_assess(w, w.head, w.secretary, general="29", tasks="66", level="HTXSNV")
    self_assess(w, w.members1[-1], w.secretary, general="25", tasks="60", level="HTTNV")
    save_quarter_setup(season=w.season, actor=w.board, profiles=["LD", "KLD", "NHT"], quota=True)
    result = decide_quarters(quarter=w.quarter, actor=w.base_staff, pks=pks(w, w.members1))
    assert len(result.decided) == 6
    ((refused, reasons),) = result.refused
    assert refused.subject.member_id == w.head.pk and "HTXSNV" in reasons[0]
    assert evaluation(w, w.head).state == E.SUBMITTED
    assert evaluation(w, w.deputy).decided_level == "HTTNV"


def test_r366_qtr_2_bulk_statements_do_not_grow_with_the_batch(cb1):
    w = cb1
    decide_quarters(quarter=w.quarter, actor=w.base_staff, pks=pks(w, w.members1[:1]))  # warm the scope
    counts = []
    for members in (w.members1[1:3], w.members1[3:6]):
        ids = pks(w, members)
        with CaptureQueriesContext(connection) as queries:
            result = decide_quarters(quarter=w.quarter, actor=w.base_staff, pks=ids)
        assert len(result.decided) == len(members)
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_r366_qtr_2_the_bulk_form_decides_the_selected_and_ignores_rows_out_of_scope(cb1, client):
    w = cb1
    client.force_login(w.base_staff)
    listing = client.get(reverse("reviews:quarter-decide-list", args=[w.season.pk, 2])).content.decode()
    assert "data-bulk-decide" in listing
    response = client.post(
        reverse("reviews:quarter-decide-bulk", args=[w.season.pk, 2]),
        {"evaluation": [str(pk) for pk in pks(w, w.members1[:3])]},
    )
    assert response.status_code == 302
    assert response.url == reverse("reviews:quarter-decide-list", args=[w.season.pk, 2])
    assert QuarterlyEvaluation.objects.filter(state=E.DECIDED).count() == 3
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["success"]
    # Staff of another committee: the rows are not theirs, nothing is decided.
    client.force_login(w.commune_staff)
    client.post(
        reverse("reviews:quarter-decide-bulk", args=[w.season.pk, 2]),
        {"evaluation": [str(pk) for pk in pks(w, w.members1[3:5])]},
    )
    assert QuarterlyEvaluation.objects.filter(state=E.DECIDED).count() == 3
