"""Bulk steps cost a fixed number of queries: the queue's POST of 1, 20 or 200 ticked proposals,
a proposal of 20 or 200 members, the minutes of a meeting of 20 or 200 (the guards read one Facts,
the writes are set-based) — and the chain they write still names a single altered event (R-REC-4)."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reviews import workflow
from reviews.audit import verify_chain
from reviews.models import AuditChain, Event, MeetingEntry, Subject
from tests.reviews.test_batch_decision import scored_proposals
from tests.reviews.test_qd366 import world366
from tests.reviews.test_records import MEETING

pytestmark = pytest.mark.django_db
S = Subject.State


def counting(step) -> int:
    with CaptureQueriesContext(connection) as queries:
        step()
    return len(queries)


def post_decide(client, w, subjects):
    response = client.post(
        reverse("reviews:queue_decide", args=[w.season.pk]), {"subject": [s.pk for s in subjects]}
    )
    assert response.status_code == 302


def test_the_bulk_decision_post_costs_the_same_for_1_20_and_200_subjects(client):
    w = world366(extra_members=218)  # CB2: 3 + 218 = 221 members
    client.force_login(w.base_staff)
    pending = scored_proposals(w, 221)
    batches = [pending[:1], pending[1:21], pending[21:221]]
    assert [len(b) for b in batches] == [1, 20, 200]
    counts = [counting(lambda b=b: post_decide(client, w, b)) for b in batches]
    assert max(counts) - min(counts) <= 5, counts
    assert Subject.objects.filter(pk__in=[s.pk for s in pending], state=S.DECIDED).count() == 221
    assert Event.objects.filter(season=w.season, action="decide").count() == 221
    assert verify_chain(w.season) is None


def scored_reviewed(w, count):
    """`count` members of CB2 reviewed with 87 self-assessed points, ready to be proposed HTTNV."""
    proposed = scored_proposals(w, count)
    Subject.objects.filter(pk__in=[s.pk for s in proposed]).update(state=S.REVIEWED, proposed_level="")
    return list(Subject.objects.filter(pk__in=[s.pk for s in proposed]).order_by("pk"))


def test_a_proposal_of_200_members_costs_the_queries_of_20():
    w = world366(extra_members=217)
    members = scored_reviewed(w, 220)

    def propose(subjects):
        workflow.propose(
            proposals=[workflow.ProposalInput(subject=s, level="HTTNV") for s in subjects], actor=w.secretary2
        )

    small, big = counting(lambda: propose(members[:20])), counting(lambda: propose(members[20:]))
    assert big <= small + 5, (small, big)
    assert Subject.objects.filter(pk__in=[m.pk for m in members], state=S.PROPOSED).count() == 220
    assert Event.objects.filter(season=w.season, action="propose").count() == 220
    assert verify_chain(w.season) is None


def test_the_minutes_of_200_members_cost_the_queries_of_20():
    w = world366(extra_members=217)
    cell = w.subject(unit=w.cell2)
    Subject.objects.filter(season=w.season, unit=cell.unit).update(state=S.SUBMITTED)
    members = list(Subject.objects.filter(season=w.season, unit=cell.unit, kind="member").order_by("pk"))

    def record(subjects):
        workflow.record_meeting(
            collective=Subject.objects.get(pk=cell.pk),
            actor=w.secretary2,
            meeting=MEETING,
            entries=[workflow.EntryInput(subject=s, comments="Đồng ý", votes={"HTTNV": 5}) for s in subjects],
        )

    small, big = counting(lambda: record(members[:20])), counting(lambda: record(members[20:]))
    assert big <= small + 5, (small, big)
    assert Subject.objects.filter(unit=cell.unit, state=S.REVIEWED).count() == 221  # the cell too
    assert MeetingEntry.objects.filter(subject__unit=cell.unit, comments="Đồng ý").count() == 220
    assert verify_chain(w.season) is None


def test_the_minutes_refuse_a_subject_listed_twice_and_write_nothing():
    """The entries are written in one upsert: a subject given twice is refused as a whole."""
    w = world366()
    cell = w.subject(unit=w.cell2)
    Subject.objects.filter(season=w.season, unit=cell.unit).update(state=S.SUBMITTED)
    member = Subject.objects.filter(season=w.season, unit=cell.unit, kind="member").first()
    twice = [workflow.EntryInput(subject=member, votes={"HTTNV": 5}) for _n in range(2)]
    with pytest.raises(workflow.WorkflowError):
        workflow.record_meeting(collective=cell, actor=w.secretary2, meeting=MEETING, entries=twice)
    assert not MeetingEntry.objects.filter(subject__unit=cell.unit).exists()


@pytest.fixture
def decided_batch(client):
    """A batch of 30 decided in one POST; returns the world and its decision events in order."""
    w = world366(extra_members=30)
    client.force_login(w.base_staff)
    post_decide(client, w, scored_proposals(w, 30))
    return w, list(Event.objects.filter(season=w.season, action="decide").order_by("seq"))


def assert_named(w, event, capsys, problem):
    broken = verify_chain(w.season)
    assert (broken.seq, broken.event_id, broken.problem) == (event.seq, event.pk, problem)
    with pytest.raises(CommandError):
        call_command("verify_audit", season=w.season.pk)
    assert f"#{event.seq} (id {event.pk})" in capsys.readouterr().out


def test_r_rec_4_verify_audit_names_the_altered_event_inside_a_batch(decided_batch, capsys):
    w, events = decided_batch
    call_command("verify_audit", season=w.season.pk)
    assert "OK" in capsys.readouterr().out
    victim = events[12]
    with connection.cursor() as cursor:  # an edit behind the application's back
        cursor.execute("UPDATE reviews_event SET data = %s WHERE id = %s", ['{"level": "HTXSNV"}', victim.pk])
    assert_named(w, victim, capsys, "its content does not match its hash")


def test_r_rec_4_verify_audit_names_the_event_whose_link_is_altered(decided_batch, capsys):
    w, events = decided_batch
    victim = events[7]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE reviews_event SET prev_hash = %s WHERE id = %s", ["f" * 64, victim.pk])
    assert_named(w, victim, capsys, "its link to the previous event does not match")


def test_r_rec_4_verify_audit_finds_the_batch_head_altered(decided_batch, capsys):
    """The chain head closes the batch: a head that no longer matches its last event is found."""
    w, events = decided_batch
    AuditChain.objects.filter(season=w.season).update(last_hash="e" * 64)
    broken = verify_chain(w.season)
    assert broken.seq == events[-1].seq + 1 and broken.problem == "events at the end of the chain are missing"
    with pytest.raises(CommandError):
        call_command("verify_audit", season=w.season.pk)
