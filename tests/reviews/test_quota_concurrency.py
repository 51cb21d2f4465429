"""R-RATE-2 under concurrency: two committee staff deciding at the same moment, each in their own
database connection, cannot together go over the quota."""

import contextlib
import threading

import pytest
from django.db import connection

from reviews import workflow
from reviews.models import Subject
from tests.clock import ROLES_FROM
from tests.reviews.conftest import build_world
from tests.reviews.helpers import complete_form, decide, propose, review

pytestmark = pytest.mark.django_db(transaction=True)


def prepare():
    w = build_world()
    extra = w.members1 + w.members2
    complete_form(w.subject(unit=w.cell1), w.secretary)
    complete_form(w.subject(unit=w.cell2), w.secretary2)
    excellent = [w.members1[2], w.members2[0]]
    for m in w.members1 + w.members2:
        officer = w.secretary if m in w.members1 else w.secretary2
        if m in excellent:
            complete_form(w.subject(member=m), officer, level="HTXSNV", grade="tot", task_grade="xuat_sac")
        else:
            complete_form(w.subject(member=m), officer)
    review(w.subject(unit=w.cell1), w.secretary, [w.subject(member=m) for m in w.members1])
    review(w.subject(unit=w.cell2), w.secretary2, [w.subject(member=m) for m in w.members2])
    for m in extra:
        officer = w.secretary if m in w.members1 else w.secretary2
        propose([w.subject(member=m)], officer, level="HTXSNV" if m in excellent else "HTTNV")
    propose([w.subject(unit=w.cell1), w.subject(unit=w.cell2)], w.base_staff)
    decide([w.subject(unit=w.cell1), w.subject(unit=w.cell2)], w.base_staff)
    # Seven non-leaders decided HTTNV: 20% of 7 rounds down to 1 HTXSNV allowed.
    others = [m for m in extra if m not in excellent and not m.is_leader]
    decide([w.subject(member=m) for m in others], w.base_staff)
    return w, excellent


@contextlib.contextmanager
def slow_decisions():
    """Half a second inside each decision's transaction (a real trigger, not a mock), so that both
    deciders are inside the critical section at once if nothing serialises them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE OR REPLACE FUNCTION kd_slow_insert() RETURNS trigger AS $$ "
            "BEGIN PERFORM pg_sleep(0.5); RETURN NEW; END $$ LANGUAGE plpgsql"
        )
        cursor.execute(
            "CREATE TRIGGER kd_slow_decision BEFORE INSERT ON reviews_decision "
            "FOR EACH ROW EXECUTE FUNCTION kd_slow_insert()"
        )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER IF EXISTS kd_slow_decision ON reviews_decision")
            cursor.execute("DROP FUNCTION IF EXISTS kd_slow_insert()")


def test_r_rate_2_two_deciders_at_once_cannot_exceed_the_quota():
    w, excellent = prepare()
    second_staff = w.base_staff.__class__.objects.create(username="du2")
    from organizations.models import Role

    Role.objects.create(
        user=second_staff, organization=w.base, kind=Role.Kind.COMMITTEE_STAFF, starts_on=ROLES_FROM
    )
    subjects = [w.subject(member=m) for m in excellent]
    assert subjects[0].quota_key == subjects[1].quota_key
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide_one(subject, actor):
        try:
            barrier.wait(timeout=10)
            workflow.decide(decisions=[workflow.DecisionInput(subject=subject)], actor=actor)
            outcomes.append("decided")
        except workflow.WorkflowError as refused:
            outcomes.append(" ".join(refused.reasons))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide_one, args=(subjects[0], w.base_staff)),
        threading.Thread(target=decide_one, args=(subjects[1], second_staff)),
    ]
    with slow_decisions():
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert sorted(o == "decided" for o in outcomes) == [False, True]
    refusal = next(o for o in outcomes if o != "decided")
    assert "Vượt tỷ lệ mức xếp loại cao nhất" in refusal and "HTXSNV 2/1" in refusal and "7 HTTNV" in refusal
    group = Subject.objects.filter(quota_key=subjects[0].quota_key, state=Subject.State.DECIDED)
    assert group.filter(decided_level="HTXSNV").count() == 1
