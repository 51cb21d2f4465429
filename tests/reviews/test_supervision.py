"""Issue 15: upper-level attendees of a review meeting (đại biểu cấp trên dự)."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from members.models import CommitteeSeat
from reports.documents import build, render_html
from reviews import workflow
from reviews.models import MeetingAttendance, Notification, RedoDemand, SeasonUnit, Subject
from reviews.supervision import attendance
from tests.clock import ROLES_FROM
from tests.factories import UserFactory
from tests.reports.test_documents import verification
from tests.reviews.helpers import complete_form, decide, propose, review

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 12, 10)
S = Subject.State


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
    assert "cơ quan đã cử đoàn công tác" in str(refused.value)
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
    assert "ngày dự hội nghị" in str(refused.value)
    # A member without a seat (an ordinary member of cell 2) is not a committee member.
    with pytest.raises(workflow.WorkflowError) as refused:
        attendance.assign(actor=w.base_staff, unit=unit, attends_on=DAY, member=w.members2[0])
    assert "không phải là cấp ủy viên" in str(refused.value)
    # Nothing at all chosen.
    with pytest.raises(workflow.WorkflowError):
        attendance.assign(actor=w.base_staff, unit=unit, attends_on=DAY)
    assert not MeetingAttendance.objects.exists()


def test_a_seat_on_a_committee_below_or_beside_the_unit_does_not_count(world):
    """CB1's own secretary sits on CB1: not for CB2 beside it, nor for CB1 itself (R-SUP-1: the
    level above attends; tests/reviews/test_supervision_levels.py)."""
    w = world
    for cell in (w.cell2, w.cell1):
        with pytest.raises(workflow.WorkflowError):
            attendance.assign(actor=w.base_staff, unit=unit_of(w, cell), attends_on=DAY, member=w.head)
    assert not MeetingAttendance.objects.exists()


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


# -- R-SUP-1: a review required to be done again ----------------------------------------------


def _proposed_cell1(w):
    _recorded_meeting(w)
    propose([w.subject(member=m) for m in w.members1], w.secretary)


def test_r_sup_1_staff_require_a_proposed_review_redone(world):
    w = world
    _proposed_cell1(w)
    deputy = w.subject(member=w.deputy)
    demand = workflow.require_redo(subject=deputy, actor=w.base_staff, reason="Tự phê bình chưa sâu")
    deputy = w.subject(member=w.deputy)
    assert (deputy.state, deputy.proposed_level) == (S.SUBMITTED, "")
    # The recorded review stays in the history: the demand and the chain keep it.
    assert demand.superseded_entry["comments"] == "Đồng ý" and not demand.done
    actions = list(deputy.events.order_by("seq").values_list("action", "reason"))
    assert [a for a, _r in actions] == ["submit", "review", "propose", "require_redo"]
    assert actions[-1][1] == "Tự phê bình chưa sâu"
    # The secretary and the subject hear of it, with the reason and where to act.
    notices = {n.user_id: n for n in Notification.objects.filter(kind=Notification.Kind.REDO)}
    assert set(notices) == {w.secretary.pk, w.member_user.pk}
    assert "Tự phê bình chưa sâu" in notices[w.secretary.pk].text
    assert notices[w.secretary.pk].link == reverse("reviews:meeting", args=[w.season.pk, "CB1"])
    assert notices[w.member_user.pk].link == reverse("reviews:form", args=[w.season.pk, deputy.pk])
    # No rating step until the redo is recorded.
    assert workflow.blockers(deputy, "propose", actor=w.secretary).blockers
    with pytest.raises(workflow.WorkflowError):
        propose([deputy], w.secretary)
    review(w.subject(unit=w.cell1), w.secretary, [deputy])
    assert RedoDemand.objects.select_related("subject__meeting_entry").get().done
    propose([w.subject(member=w.deputy)], w.secretary)
    assert w.subject(member=w.deputy).state == S.PROPOSED


def test_r_sup_1_a_collective_can_be_required_to_review_again(world):
    w = world
    _recorded_meeting(w)
    cell = w.subject(unit=w.cell1)
    workflow.require_redo(subject=cell, actor=w.commune_staff, reason="Chưa chỉ rõ hạn chế")
    assert w.subject(unit=w.cell1).state == S.SUBMITTED
    review(w.subject(unit=w.cell1), w.secretary, [])
    assert w.subject(unit=w.cell1).state == S.REVIEWED


def test_r_sup_1_a_reason_is_required_and_nothing_changes_without_it(world):
    w = world
    _proposed_cell1(w)
    with pytest.raises(workflow.WorkflowError) as refused:
        workflow.require_redo(subject=w.subject(member=w.deputy), actor=w.base_staff, reason="  ")
    assert "Hãy ghi lý do phải kiểm điểm lại" in str(refused.value)
    assert w.subject(member=w.deputy).state == S.PROPOSED
    assert not RedoDemand.objects.exists() and not Notification.objects.filter(kind="redo").exists()


def test_r_sup_1_after_the_decision_reopening_is_the_way(world):
    w = world
    _proposed_cell1(w)
    propose([w.subject(unit=w.cell1)], w.base_staff)
    decide([w.subject(unit=w.cell1)], w.base_staff)
    decide([w.subject(member=w.deputy)], w.base_staff)
    with pytest.raises(workflow.WorkflowError) as refused:
        workflow.require_redo(subject=w.subject(member=w.deputy), actor=w.base_staff, reason="Chưa đạt")
    assert "phải mở lại quyết định trước" in str(refused.value)
    assert reverse("reviews:subject", args=[w.season.pk, w.subject(member=w.deputy).pk]) in str(refused.value)
    assert w.subject(member=w.deputy).state == S.DECIDED


def test_r_sup_1_nothing_to_redo_before_the_meeting(world):
    w = world
    complete_form(w.subject(member=w.deputy), w.secretary)
    with pytest.raises(workflow.WorkflowError) as refused:
        workflow.require_redo(subject=w.subject(member=w.deputy), actor=w.base_staff, reason="Chưa đạt")
    assert "bí thư cần ghi biên bản hội nghị trước" in str(refused.value)
    assert reverse("reviews:meeting", args=[w.season.pk, "CB1"]) in str(refused.value)


def test_r_sup_1_who_may_require_a_redo(world, seated):
    w = world
    _proposed_cell1(w)
    deputy = w.subject(member=w.deputy)
    seated.user = UserFactory(username="uv")
    seated.save()
    for outsider in (w.secretary, w.leader, w.member_user, w.outsider, seated.user):
        with pytest.raises(workflow.NotAllowed):
            workflow.require_redo(subject=deputy, actor=outsider, reason="Chưa đạt")
    # Assigned to another unit's meeting: still not allowed here.
    attendance.assign(actor=w.commune_staff, unit=unit_of(w, w.cell2), attends_on=DAY, member=seated)
    with pytest.raises(workflow.NotAllowed):
        workflow.require_redo(subject=deputy, actor=seated.user, reason="Chưa đạt")
    attendance.assign(actor=w.commune_staff, unit=unit_of(w, w.cell1), attends_on=DAY, member=seated)
    workflow.require_redo(subject=deputy, actor=seated.user, reason="Chưa đạt")
    assert w.subject(member=w.deputy).state == S.SUBMITTED


def _client(user, **kwargs):
    client = Client(**kwargs)
    client.force_login(user)
    return client


def test_r_sup_1_the_redo_form_on_the_subject_page(world, seated):
    w = world
    _proposed_cell1(w)
    deputy = w.subject(member=w.deputy)
    page_url = reverse("reviews:subject", args=[w.season.pk, deputy.pk])
    post_url = reverse("reviews:subject_require_redo", args=[w.season.pk, deputy.pk])
    assert 'id="require-redo"' in _client(w.base_staff).get(page_url).content.decode()
    assert 'id="require-redo"' not in _client(w.secretary).get(page_url).content.decode()
    # The secretary may not; without a CSRF token nothing happens either.
    assert _client(w.secretary).post(post_url, {"redo-reason": "x"}).status_code == 403
    assert (
        _client(w.base_staff, enforce_csrf_checks=True).post(post_url, {"redo-reason": "x"}).status_code
        == 403
    )
    # No reason: the engine's sentence is shown and nothing changes.
    response = _client(w.base_staff).post(post_url, {"redo-reason": ""}, follow=True)
    assert "Hãy ghi lý do phải kiểm điểm lại" in response.content.decode()
    assert w.subject(member=w.deputy).state == S.PROPOSED
    # The assigned committee member (no staff role) requires it; back to the subject's page, which
    # they see as the meeting's attendee (with what was done said there).
    seated.user = UserFactory(username="uv")
    seated.save()
    attendance.assign(actor=w.commune_staff, unit=unit_of(w, w.cell1), attends_on=DAY, member=seated)
    attendee = _client(seated.user)
    response = attendee.post(post_url, {"redo-reason": "Chưa nghiêm túc"})
    assert (response.status_code, response["Location"]) == (302, page_url)
    page = attendee.get(page_url)
    assert page.status_code == 200 and "Đã yêu cầu kiểm điểm lại" in page.content.decode()
    assert w.subject(member=w.deputy).state == S.SUBMITTED
    assert RedoDemand.objects.get().reason == "Chưa nghiêm túc"


def test_the_assignee_sees_the_assignment_on_their_home_page(world, seated):
    w = world
    seated.user = UserFactory(username="uv")
    seated.save()
    home = reverse("home")
    assert "attending-meetings" not in _client(seated.user).get(home).content.decode()
    attendance.assign(actor=w.base_staff, unit=unit_of(w, w.cell1), attends_on=DAY, member=seated)
    page = _client(seated.user).get(home).content.decode()
    assert "attending-meetings" in page and w.cell1.name in page
    assert reverse("reviews:meeting", args=[w.season.pk, "CB1"]) in page


def test_the_staff_page_assigns_an_attendee_and_refuses_bad_input(world, seated):
    w = world
    url = reverse("reviews:attendance", args=[w.season.pk, "CB1"])
    staff = _client(w.base_staff)
    assert (
        reverse("reviews:attendance", args=[w.season.pk, "CB1"])
        in staff.get(reverse("reviews:meeting", args=[w.season.pk, "CB1"])).content.decode()
    )
    assert staff.get(url).status_code == 200
    assert _client(w.secretary).get(url).status_code == 404
    assert staff.get(reverse("reviews:attendance", args=[w.season.pk, "CS2"])).status_code == 404
    page = staff.post(url, {"member": seated.pk}, follow=True).content.decode()
    assert "Hãy nhập ngày dự hội nghị kiểm điểm" in page
    staff.post(url, {"member": w.members2[0].pk, "attends_on": "2026-12-10"})  # not on a committee
    assert not MeetingAttendance.objects.exists()
    response = staff.post(url, {"member": seated.pk, "attends_on": "2026-12-10"})
    assert response.status_code == 302
    assert MeetingAttendance.objects.get().member == seated


def test_r_sup_1_the_blockers_board_counts_redo_demands_open_and_done(world):
    w = world
    _proposed_cell1(w)
    for member in w.members1[1:3]:
        workflow.require_redo(subject=w.subject(member=member), actor=w.base_staff, reason="Chưa đạt")
    url = reverse("reviews:blockers", args=[w.season.pk, "CS1"])
    assert 'data-redo="2/0"' in _client(w.base_staff).get(url).content.decode()
    review(w.subject(unit=w.cell1), w.secretary, [w.subject(member=w.members1[1])])
    page = _client(w.base_staff).get(url).content.decode()
    assert 'data-redo="1/1"' in page and page.count("data-redo=") == 1


def test_r_sup_1_the_assignee_opens_the_meeting_and_the_redo_form_and_nothing_else(world, seated):
    """An assigned committee member with no staff role follows their home page's link: the unit's
    meeting page and its subjects' pages open for them (with the redo form), another cell's do not,
    and before the assignment nothing opened."""
    w = world
    _proposed_cell1(w)
    seated.user = UserFactory(username="uv")
    seated.save()
    deputy = w.subject(member=w.deputy)
    meeting_url = reverse("reviews:meeting", args=[w.season.pk, "CB1"])
    subject_url = reverse("reviews:subject", args=[w.season.pk, deputy.pk])
    other_cell = reverse("reviews:meeting", args=[w.season.pk, w.cell2.code])
    client = _client(seated.user)
    assert client.get(meeting_url).status_code == 404
    assert client.get(subject_url).status_code == 404
    attendance.assign(actor=w.commune_staff, unit=unit_of(w, w.cell1), attends_on=DAY, member=seated)
    assert client.get(meeting_url).status_code == 200
    page = client.get(subject_url)
    assert page.status_code == 200 and 'id="require-redo"' in page.content.decode()
    assert client.get(other_cell).status_code == 404


def test_r_sup_1_the_dashboard_counts_redo_demands_per_child(world):
    """The dashboard of the commune: CS1 (whose cell 1 had two reviews required again) with its
    open and done demands, read with the children (no query more, within the budget of 12)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    w = world
    url = reverse("reviews:dashboard", args=[w.season.pk, "XA1"])
    client = _client(w.commune_staff)
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        page = client.get(url).content.decode()
    assert "data-redo=" not in page
    _proposed_cell1(w)
    for member in w.members1[1:3]:
        workflow.require_redo(subject=w.subject(member=member), actor=w.base_staff, reason="Chưa đạt")
    assert 'data-redo="CS1:2/0"' in client.get(url).content.decode()
    review(w.subject(unit=w.cell1), w.secretary, [w.subject(member=w.members1[1])])
    with CaptureQueriesContext(connection) as after:
        page = client.get(url).content.decode()
    assert 'data-redo="CS1:1/1"' in page and page.count("data-redo=") == 1
    assert len(after) == len(before) <= 12  # counted with the children: no query more


def test_r_sup_1_a_cells_dashboard_does_not_say_there_are_no_redo_demands(world):
    """Found by a review (2026-12-08): the section counts per organization under the unit, so a
    cell's dashboard said "no review was required again" beside its members' open demands."""
    w = world
    _proposed_cell1(w)
    workflow.require_redo(subject=w.subject(member=w.members1[1]), actor=w.base_staff, reason="Chưa đạt")
    page = _client(w.base_staff).get(reverse("reviews:dashboard", args=[w.season.pk, "CB1"])).content.decode()
    assert 'id="redo-title"' not in page
    page = _client(w.base_staff).get(reverse("reviews:dashboard", args=[w.season.pk, "CS1"])).content.decode()
    assert 'id="redo-title"' in page and 'data-redo="CB1:1/0"' in page
