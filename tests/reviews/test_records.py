"""R-REC: notification and publication, the record set, remediation plans, the audit chain."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from reviews.audit import verify_chain
from reviews.models import Decision, Event, Meeting, MeetingEntry, Notification, RemediationPlan, Subject
from reviews.notifications import published_results
from reviews.services import submit_remediation_plan, update_remediation_item
from reviews.workflow import (
    EntryInput,
    MeetingInput,
    NotAllowed,
    WorkflowError,
    cancel,
    record_meeting,
    return_form,
)
from tests.reviews.helpers import CIRCULATED, MEETING_DAY, complete_form, decide, fresh, propose, review

pytestmark = pytest.mark.django_db
MEETING = MeetingInput(held_on=MEETING_DAY, present=5, total=6, draft_circulated_on=CIRCULATED)


def run_cell1(w):
    complete_form(w.subject(unit=w.cell1), w.secretary)
    for m in w.members1:
        complete_form(w.subject(member=m), w.member_user if m == w.deputy else w.secretary)
    review(w.subject(unit=w.cell1), w.secretary, [w.subject(member=m) for m in w.members1])
    propose([w.subject(member=m) for m in w.members1], w.secretary)
    propose([w.subject(unit=w.cell1)], w.base_staff)
    decide([w.subject(unit=w.cell1)], w.base_staff)
    decide([w.subject(member=m) for m in w.members1], w.base_staff)


def test_r_rec_1_the_decision_reaches_the_member_and_the_cells_officers(world):
    """R-REC-1: the decided level is notified to the member and to the cell's officers, and the
    cell's decided results are published."""
    w = world
    run_cell1(w)
    deputy = w.subject(member=w.deputy)
    own = Notification.objects.get(subject=deputy, kind="decided")  # the member about herself
    assert own.user == w.member_user and "Hoàn thành tốt nhiệm vụ" in own.text
    # The cell's secretary hears once for the batch, with who got which level.
    (digest,) = Notification.objects.filter(user=w.secretary, kind="decided", subject__isnull=True)
    assert digest.text.startswith(f"Đã quyết định xếp loại {len(w.members1)} đối tượng")
    assert f"{w.subject(member=w.head).name} (HTTNV)" in digest.text
    published = list(published_results(deputy.unit_id))
    assert len(published) == len(w.members1)
    assert {p["decided_level"] for p in published} == {"HTTNV"}


def test_r_rec_1_a_returned_form_is_notified(world):
    w = world
    complete_form(w.subject(member=w.deputy), w.member_user)
    return_form(subject=fresh(w.subject(member=w.deputy)), actor=w.secretary, reason="Bổ sung mục III")
    note = Notification.objects.get(user=w.member_user, kind="returned")
    assert "Bổ sung mục III" in note.text


def test_r_rec_2_the_record_set_is_kept(world):
    w = world
    run_cell1(w)
    cell = w.subject(unit=w.cell1)
    meeting = Meeting.objects.get(collective=cell)
    assert (meeting.held_on, meeting.present, meeting.total) == (datetime.date(2026, 11, 20), 5, 6)
    assert MeetingEntry.objects.filter(meeting=meeting).count() == len(w.members1) + 1
    assert MeetingEntry.objects.get(subject__member=w.head).votes == {"HTTNV": 5}
    cancel(subject=fresh(cell), actor=w.commune_staff, reason="Kiểm tra lại")
    assert Decision.objects.filter(subject=cell).count() == 1  # the cancelled decision stays
    # The app deletes nothing of a season: its rows are protected from deletion.
    with pytest.raises(Exception):  # noqa: B017 - ProtectedError or IntegrityError, either proves it
        Subject.objects.filter(pk=cell.pk).delete()


def test_r_rec_3_remediation_plans_and_their_follow_up(world):
    w = world
    run_cell1(w)
    deputy = w.subject(member=w.deputy)
    with pytest.raises(WorkflowError):
        submit_remediation_plan(subject=deputy, actor=w.member_user, items=[{"text": " "}])
    plan = submit_remediation_plan(
        subject=deputy,
        actor=w.member_user,
        items=[
            {
                "text": "Nâng cao kỹ năng tin học",
                "owner": "Phạm Thị Lan",
                "due_on": datetime.date(2027, 6, 30),
            }
        ],
    )
    with pytest.raises(WorkflowError):
        submit_remediation_plan(subject=deputy, actor=w.member_user, items=[{"text": "khác"}])
    item = plan.items.get()
    with pytest.raises(NotAllowed):  # R366-RATE-2: the member does not mark their own item
        update_remediation_item(item=item, actor=w.member_user, status="in_progress", note="")
    update_remediation_item(item=item, actor=w.secretary, status="in_progress", note="Đã đăng ký lớp")
    item.refresh_from_db()
    assert item.status == "in_progress"
    assert RemediationPlan.objects.filter(subject__season=w.season, submitted_at__isnull=False).count() == 1


def test_r_rec_2_a_meeting_entry_is_corrected_before_the_proposal_and_the_correction_is_logged(world):
    """R-REC-2 / R-REC-4: the minutes may be corrected while the member waits for a proposal; the
    correction is an event of its own; a reviewed member cannot be turned absent; after the
    proposal the entry is closed."""
    w = world
    complete_form(w.subject(unit=w.cell1), w.secretary)
    complete_form(w.subject(member=w.head), w.secretary)
    review(w.subject(unit=w.cell1), w.secretary, [w.subject(member=w.head)])
    head = fresh(w.subject(member=w.head))
    corrected = [EntryInput(subject=head, comments="Đồng ý, có sửa", votes={"HTTNV": 4})]
    record_meeting(collective=w.subject(unit=w.cell1), actor=w.secretary, meeting=MEETING, entries=corrected)
    entry = MeetingEntry.objects.get(subject=head)
    assert (entry.comments, entry.votes) == ("Đồng ý, có sửa", {"HTTNV": 4})
    assert fresh(head).state == "reviewed"
    last = Event.objects.filter(subject=head).order_by("-seq").first()
    assert (last.action, last.from_state, last.to_state) == ("correct_review", "reviewed", "reviewed")
    assert last.data["before"] == {"comments": "Đồng ý", "assessment": "", "votes": {"HTTNV": 5}}
    absent = [EntryInput(subject=fresh(head), reviewed=False, absent_reason="Ốm")]
    with pytest.raises(WorkflowError) as refused:
        record_meeting(collective=w.subject(unit=w.cell1), actor=w.secretary, meeting=MEETING, entries=absent)
    assert "không thể chuyển thành vắng mặt" in str(refused.value)
    propose([fresh(head)], w.secretary)
    with pytest.raises(WorkflowError):
        record_meeting(
            collective=w.subject(unit=w.cell1),
            actor=w.secretary,
            meeting=MEETING,
            entries=[EntryInput(subject=fresh(head), comments="Sửa sau đề xuất")],
        )
    assert MeetingEntry.objects.get(subject=head).comments == "Đồng ý, có sửa"
    assert verify_chain(w.season) is None


def test_r_rec_4_every_step_is_an_event_with_who_when_from_to(world):
    w = world
    run_cell1(w)
    events = Event.objects.filter(subject=w.subject(member=w.head)).order_by("seq")
    assert [(e.action, e.from_state, e.to_state) for e in events] == [
        ("submit", "draft", "submitted"),
        ("review", "submitted", "reviewed"),
        ("propose", "reviewed", "proposed"),
        ("decide", "proposed", "decided"),
    ]
    assert all(e.actor_id and e.at and e.rule_set_code == "qd124-hd25-2023" for e in events)
    assert verify_chain(w.season) is None


def test_r_rec_4_tampering_with_one_row_is_found_and_named(world, capsys):
    w = world
    run_cell1(w)
    call_command("verify_audit")
    assert "OK" in capsys.readouterr().out
    victim = Event.objects.filter(season=w.season, action="decide").order_by("seq")[2]
    with connection.cursor() as cursor:  # an edit behind the application's back
        cursor.execute("UPDATE reviews_event SET data = %s WHERE id = %s", ['{"level": "HTXSNV"}', victim.pk])
    broken = verify_chain(w.season)
    assert broken is not None and broken.seq == victim.seq and broken.event_id == victim.pk
    with pytest.raises(CommandError):
        call_command("verify_audit")
    assert f"#{victim.seq}" in capsys.readouterr().out


def test_r_rec_4_a_deleted_event_breaks_the_chain(world):
    w = world
    run_cell1(w)
    victim = Event.objects.filter(season=w.season).order_by("seq")[5]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM reviews_event WHERE id = %s", [victim.pk])
    broken = verify_chain(w.season)
    assert broken is not None and broken.seq == victim.seq
