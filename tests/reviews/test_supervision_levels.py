"""R-SUP-1: the level above ("cấp trên") supervises a review — its staff and the members of its
committee assigned to attend — not the unit's own staff or committee, and no one their own review."""

import datetime

import pytest

from members.models import CommitteeSeat
from reviews import workflow
from reviews.models import MeetingAttendance, RedoDemand, SeasonUnit, Subject
from reviews.supervision import attendance
from tests.clock import ROLES_FROM
from tests.factories import UserFactory
from tests.reviews.helpers import seated_with_login
from tests.reviews.test_supervision import _recorded_meeting

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 12, 10)
S = Subject.State


def unit_of(w, org):
    return SeasonUnit.objects.select_related("season", "parent").get(season=w.season, organization=org)


def _with_user(member, username):
    member.user = UserFactory(username=username)
    member.save()
    return member.user


def test_r_sup_1_the_units_own_staff_may_not_require_a_redo_and_the_staff_above_may(world):
    """CS1's own collective review: CS1's staff are its own level, the commune's staff are above."""
    w = world
    base = w.subject(unit=w.base)
    refusal = workflow.may_require_redo(w.base_staff, base)
    assert refusal and "Đảng bộ Trường An Bình" in refusal
    assert workflow.may_require_redo(w.commune_staff, base) is None
    # For CB1 below it, CS1's staff are the level above.
    assert workflow.may_require_redo(w.base_staff, w.subject(unit=w.cell1)) is None


def test_r_sup_1_no_one_requires_their_own_review_redone(world):
    """A member of CB1 who is also staff of CS1 above it: not their own review."""
    w = world
    _recorded_meeting(w)
    own = w.members1[2]
    own.user = w.base_staff
    own.save()
    subject = w.subject(member=own)
    with pytest.raises(workflow.NotAllowed) as refused:
        workflow.require_redo(subject=subject, actor=w.base_staff, reason="Chưa đạt")
    assert "Không ai được tự yêu cầu kiểm điểm lại" in str(refused.value)
    assert w.subject(member=own).state == S.REVIEWED and not RedoDemand.objects.exists()
    workflow.require_redo(subject=w.subject(member=w.members1[3]), actor=w.base_staff, reason="Chưa đạt")
    assert w.subject(member=w.members1[3]).state == S.SUBMITTED


def test_r_sup_1_a_member_of_the_units_own_committee_is_not_assigned_to_attend(world):
    """CB1's deputy secretary sits on CB1's committee: the level supervised, not the level above;
    a member of CS1's committee above is assigned."""
    w = world
    unit = unit_of(w, w.cell1)
    with pytest.raises(workflow.WorkflowError) as refused:
        attendance.assign(actor=w.base_staff, unit=unit, attends_on=DAY, member=w.deputy)
    assert "không phải là cấp ủy viên cấp trên" in str(refused.value)
    assert w.deputy not in attendance.committee_members(unit)
    upper = w.members2[0]
    CommitteeSeat.objects.create(member=upper, organization=w.base, position=0, starts_on=ROLES_FROM)
    attendance.assign(actor=w.base_staff, unit=unit, attends_on=DAY, member=upper)
    assert list(MeetingAttendance.objects.values_list("member", flat=True)) == [upper.pk]


def test_r_sup_1_an_own_level_attendee_on_record_does_not_require_a_redo(world):
    """An assignment of an own-level committee member made before such seats were refused gives
    no right to require a redo; the same assignment of a member of the committee above does."""
    w = world
    _recorded_meeting(w)
    unit = unit_of(w, w.cell1)
    head_user = _with_user(w.head, "bt-cb1")
    MeetingAttendance.objects.create(
        season=w.season, unit=unit, attends_on=DAY, member=w.head, assigned_by=w.base_staff
    )
    target = w.subject(member=w.members1[3])
    with pytest.raises(workflow.NotAllowed):
        workflow.require_redo(subject=target, actor=head_user, reason="Chưa đạt")
    upper = w.members2[0]
    upper_user = seated_with_login(upper, w.base, "uv-cs1", position=0)
    attendance.assign(actor=w.base_staff, unit=unit, attends_on=DAY, member=upper)
    workflow.require_redo(subject=target, actor=upper_user, reason="Chưa đạt")
    assert w.subject(member=w.members1[3]).state == S.SUBMITTED


def test_two_staff_assigning_the_same_attendee_at_once_get_the_sentence_not_an_error(world, monkeypatch):
    """The other staff member's assignment lands between the check and the insert: the unique
    constraint refuses it with the same sentence as the check (no server error), and the database
    goes on answering (the insert is in a savepoint)."""
    w = world
    unit = unit_of(w, w.cell1)
    upper = w.members2[0]
    CommitteeSeat.objects.create(member=upper, organization=w.base, position=0, starts_on=ROLES_FROM)
    checked = attendance.is_assigned

    def assigned_meanwhile(unit, member):
        seen = checked(unit, member)  # read first, as the request did
        MeetingAttendance.objects.create(
            season=w.season, unit=unit, attends_on=DAY, member=member, assigned_by=w.commune_staff
        )
        return seen

    monkeypatch.setattr(attendance, "is_assigned", assigned_meanwhile)
    with pytest.raises(workflow.WorkflowError) as refused:
        attendance.assign(actor=w.base_staff, unit=unit, attends_on=DAY, member=upper)
    assert refused.value.reasons == [f"Đồng chí {upper.full_name} đã được phân công dự hội nghị này."]
    # The database still answers (the refusal did not leave the transaction broken); the other
    # row, made here inside the same transaction, is rolled back with the refused step.
    assert MeetingAttendance.objects.count() == 0
