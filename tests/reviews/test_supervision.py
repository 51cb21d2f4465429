"""Issue 15: upper-level attendees of a review meeting (đại biểu cấp trên dự)."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from members.models import CommitteeSeat
from reports.documents import build, render_html
from reviews import workflow
from reviews.models import MeetingAttendance, SeasonUnit
from reviews.supervision import attendance
from tests.clock import ROLES_FROM
from tests.reports.test_documents import verification
from tests.reviews.helpers import complete_form, review

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 12, 10)


def unit_of(w, org):
    return SeasonUnit.objects.select_related("season", "parent").get(season=w.season, organization=org)


@pytest.fixture
def seated(world):
    """A member of the commune committee (a committee above CB1 and CS2)."""
    member = world.members3[0]
    CommitteeSeat.objects.create(member=member, organization=world.commune, position=2, starts_on=ROLES_FROM)
    return member


def test_staff_assign_a_committee_member_of_an_upper_committee(world, seated):
    w = world
    row = attendance.assign(actor=w.base_staff, unit=unit_of(w, w.cell1), attends_on=DAY, member=seated)
    assert row.member == seated and row.attends_on == DAY
    assert [a.label for a in attendance.attendees(unit_of(w, w.cell1))] == [seated.full_name]
    assert list(attendance.assignments_of(seated)) == [row]


def test_a_working_group_needs_the_body_that_sent_it(world):
    w = world
    unit = unit_of(w, w.cell1)
    with pytest.raises(workflow.WorkflowError) as refused:
        attendance.assign(actor=w.commune_staff, unit=unit, attends_on=DAY, group_names="Ông A, Bà B")
    assert "sent the working group" in str(refused.value)
    assert not MeetingAttendance.objects.exists()
    row = attendance.assign(
        actor=w.commune_staff, unit=unit, attends_on=DAY, group_names="Ông A, Bà B", sent_by="Ban Tổ chức"
    )
    assert row.label == "Ông A, Bà B (Ban Tổ chức)"


def test_bad_input_is_refused_and_nothing_saved(world, seated):
    w = world
    unit = unit_of(w, w.cell1)
    with pytest.raises(workflow.WorkflowError) as refused:
        attendance.assign(actor=w.base_staff, unit=unit, attends_on=None, member=seated)
    assert "date" in str(refused.value)
    # A member without a seat (an ordinary member of cell 2) is not a committee member.
    with pytest.raises(workflow.WorkflowError) as refused:
        attendance.assign(actor=w.base_staff, unit=unit, attends_on=DAY, member=w.members2[0])
    assert "holds no seat" in str(refused.value)
    # Nothing at all chosen.
    with pytest.raises(workflow.WorkflowError):
        attendance.assign(actor=w.base_staff, unit=unit, attends_on=DAY)
    assert not MeetingAttendance.objects.exists()


def test_a_seat_on_a_committee_below_or_beside_the_unit_does_not_count(world):
    """CB1's own secretary sits on CB1: fine for CB1, but not for CB2 beside it."""
    w = world
    with pytest.raises(workflow.WorkflowError):
        attendance.assign(actor=w.base_staff, unit=unit_of(w, w.cell2), attends_on=DAY, member=w.head)
    attendance.assign(actor=w.base_staff, unit=unit_of(w, w.cell1), attends_on=DAY, member=w.head)


def test_a_seat_ended_before_the_reference_date_does_not_count(world):
    w = world
    member = w.members3[1]
    CommitteeSeat.objects.create(
        member=member,
        organization=w.commune,
        position=2,
        starts_on=ROLES_FROM,
        ends_on=w.season.reference_date - datetime.timedelta(days=1),
    )
    with pytest.raises(workflow.WorkflowError):
        attendance.assign(actor=w.base_staff, unit=unit_of(w, w.cell1), attends_on=DAY, member=member)


def test_only_staff_of_the_unit_or_above_may_assign(world, seated):
    w = world
    unit = unit_of(w, w.base_cell)  # CS2 is beside CS1: out of the base staff's subtree
    for outsider in (w.base_staff, w.secretary, w.base_cell_secretary, w.leader, w.member_user):
        with pytest.raises(workflow.NotAllowed):
            attendance.assign(actor=outsider, unit=unit, attends_on=DAY, member=seated)
    assert not MeetingAttendance.objects.exists()
    attendance.assign(actor=w.commune_staff, unit=unit, attends_on=DAY, member=seated)


def _recorded_meeting(w):
    complete_form(w.subject(unit=w.cell1), w.secretary)
    for m in w.members1:
        complete_form(w.subject(member=m), w.secretary)
    review(w.subject(unit=w.cell1), w.secretary, [w.subject(member=m) for m in w.members1])


def test_the_meeting_page_and_the_minutes_name_the_upper_level_attendees(world, seated):
    w = world
    unit = unit_of(w, w.cell1)
    attendance.assign(actor=w.base_staff, unit=unit, attends_on=DAY, member=seated)
    attendance.assign(
        actor=w.base_staff, unit=unit, attends_on=DAY, group_names="Ông Tư", sent_by="Đoàn công tác"
    )
    client = Client()
    client.force_login(w.secretary)
    page = client.get(reverse("reviews:meeting", args=[w.season.pk, "CB1"])).content.decode()
    assert seated.full_name in page and "Ông Tư (Đoàn công tác)" in page
    other = client_for_cb2(w).get(reverse("reviews:meeting", args=[w.season.pk, "CB2"])).content.decode()
    assert seated.full_name not in other
    _recorded_meeting(w)
    html = render_html(build("minutes", season=w.season, unit=unit, verification=verification()))
    assert f"Đại biểu cấp trên dự: {seated.full_name}; Ông Tư (Đoàn công tác)." in html


def client_for_cb2(w):
    client = Client()
    client.force_login(w.secretary2)
    return client
