"""R366-QTR-4 (quota switched on) under concurrency: two staff of the managing body deciding
quarters at the same moment, each in their own database connection, cannot together go over the
quarter's quota — the quarter's steps serialise on the year's quota group row."""

import contextlib
import threading

import pytest
from django.db import connection

from organizations.models import Role
from reviews.models import QuarterlyEvaluation
from reviews.quarters import services
from reviews.quarters.setup import save_quarter_setup
from reviews.workflow import WorkflowError
from tests.clock import ROLES_FROM
from tests.reviews.test_quarters import evaluation, quarter_world, self_assess

pytestmark = pytest.mark.django_db(transaction=True)
E = QuarterlyEvaluation.State


@contextlib.contextmanager
def slow_quarter_decisions():
    """Half a second inside each quarter's decision (a real trigger, not a mock), so that both
    deciders are inside the critical section at once if nothing serialises them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE OR REPLACE FUNCTION kd_slow_quarter() RETURNS trigger AS $$ "
            "BEGIN PERFORM pg_sleep(0.5); RETURN NEW; END $$ LANGUAGE plpgsql"
        )
        cursor.execute(
            "CREATE TRIGGER kd_slow_quarter BEFORE UPDATE ON reviews_quarterlyevaluation "
            "FOR EACH ROW WHEN (NEW.state = 'decided') EXECUTE FUNCTION kd_slow_quarter()"
        )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER IF EXISTS kd_slow_quarter ON reviews_quarterlyevaluation")
            cursor.execute("DROP FUNCTION IF EXISTS kd_slow_quarter()")


def test_r366_qtr_4_two_deciders_at_once_cannot_exceed_a_quarters_quota():
    w = quarter_world()
    save_quarter_setup(season=w.season, actor=w.board, profiles=["LD", "KLD", "NHT"], quota=True)
    services.open_quarter(season=w.season, actor=w.board, number=2)
    ordinary = [m for m in w.members1 + w.members2 if not m.is_leader]
    group = {evaluation(w, m).subject.quota_key for m in ordinary}
    assert len(group) == 1 and len(ordinary) >= 7
    for member in ordinary:
        officer = w.secretary if member in w.members1 else w.secretary2
        self_assess(w, member, officer, general="29", tasks="66", level="HTXSNV")
    # Five HTTNV: 20 % of 5 allows one HTXSNV in the group this quarter.
    for member in ordinary[:5]:
        services.decide_quarter(
            evaluation=evaluation(w, member), actor=w.base_staff, general="25", tasks="60", level="HTTNV"
        )
    second_staff = w.base_staff.__class__.objects.create(username="du2")
    Role.objects.create(
        user=second_staff, organization=w.base, kind=Role.Kind.COMMITTEE_STAFF, starts_on=ROLES_FROM
    )
    racing = [evaluation(w, m) for m in ordinary[5:7]]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide_one(row, actor):
        try:
            barrier.wait(timeout=10)
            services.decide_quarter(evaluation=row, actor=actor, general="29", tasks="66", level="HTXSNV")
            outcomes.append("decided")
        except WorkflowError as refused:
            outcomes.append(" ".join(refused.reasons))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide_one, args=(racing[0], w.base_staff)),
        threading.Thread(target=decide_one, args=(racing[1], second_staff)),
    ]
    with slow_quarter_decisions():
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert sorted(o == "decided" for o in outcomes) == [False, True], outcomes
    refusal = next(o for o in outcomes if o != "decided")
    assert "HTXSNV 2/1" in refusal
    decided = QuarterlyEvaluation.objects.filter(quarter__season=w.season, state=E.DECIDED)
    assert decided.filter(decided_level="HTXSNV").count() == 1
