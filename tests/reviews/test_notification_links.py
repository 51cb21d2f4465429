"""Every notice carries a link to the page where its reader acts, the notification list shows it,
and the reader may open it: the returned review → the form, a returned proposal → the meeting page,
a suggestion → the form (the cell's officers told of either: the review's page), a decision → the
member's result (the officers: the cell's board), a deadline or an overdue notice → the form, the
board or the meeting page (issue 11)."""

import pytest
from django.test import Client
from django.urls import reverse

from reviews import workflow
from reviews.models import Notification
from reviews.services import issue_suggestion
from reviews.tasks import notify_deadlines
from reviews.workflow import return_form
from tests.reviews.conftest import build_world
from tests.reviews.helpers import complete_form, decide, fresh, propose, review

pytestmark = pytest.mark.django_db
K = Notification.Kind


def opened_by_their_readers(kind) -> list[Notification]:
    """The notices of `kind`, each opened by its reader through its link (200; the start of the
    reader's dashboard answers with the redirect to their own organization's)."""
    notes = list(Notification.objects.filter(kind=kind).select_related("user"))
    assert notes, kind
    for note in notes:
        assert note.link.startswith("/"), (kind, note.text)
        client = Client()
        client.force_login(note.user)
        response = client.get(note.link, follow=True)
        assert response.status_code == 200, (kind, note.user.username, note.link)
    return notes


def test_a_returned_review_links_its_author_to_the_form(world):
    w = world
    deputy = w.subject(member=w.deputy)
    complete_form(deputy, w.member_user)
    return_form(subject=fresh(deputy), actor=w.secretary, reason="Bổ sung mục III")
    notes = opened_by_their_readers(K.RETURNED)
    own = next(n for n in notes if n.user == w.member_user)
    assert own.link == reverse("reviews:form", args=[w.season.pk, deputy.pk])


def test_a_suggestion_links_to_the_form_where_it_is_answered(world):
    w = world
    head = w.subject(member=w.head)
    complete_form(head, w.secretary)
    issue_suggestion(subject=fresh(head), actor=w.base_staff, text="Làm rõ mục II")
    notes = opened_by_their_readers(K.SUGGESTION)
    assert w.head.user_id is None  # the head has no login here: the cell's officers are told
    # The cell's officers are told, not sent into the member's form: the review's page.
    assert all(n.link == reverse("reviews:subject", args=[w.season.pk, head.pk]) for n in notes)
    # The author answers it in their form.
    deputy = w.subject(member=w.deputy)
    complete_form(deputy, w.member_user)
    issue_suggestion(subject=fresh(deputy), actor=w.base_staff, text="Làm rõ mục II")
    own = Notification.objects.get(kind=K.SUGGESTION, user=w.member_user)
    assert own.link == reverse("reviews:form", args=[w.season.pk, deputy.pk])


def test_a_returned_proposal_links_the_secretary_to_the_meeting_page(world):
    w = world
    cell, head = w.subject(unit=w.cell1), w.subject(member=w.head)
    complete_form(cell, w.secretary)
    complete_form(head, w.secretary)
    review(fresh(cell), w.secretary, [fresh(head)])
    propose([fresh(head)], w.secretary)
    workflow.return_proposal(subject=fresh(head), actor=w.base_staff, reason="Cần làm rõ")
    (note,) = opened_by_their_readers(K.PROPOSAL_RETURNED)
    assert note.user == w.secretary and note.link == reverse("reviews:meeting", args=[w.season.pk, "CB1"])


def test_a_decision_links_the_member_to_their_result_and_the_officers_to_the_board(world):
    w = world
    cell = w.subject(unit=w.cell1)
    members = [w.subject(member=m) for m in w.members1]
    complete_form(cell, w.secretary)
    for m, subject in zip(w.members1, members, strict=True):
        complete_form(subject, w.member_user if m == w.deputy else w.secretary)
    review(fresh(cell), w.secretary, [fresh(s) for s in members])
    propose([fresh(s) for s in members], w.secretary)
    propose([fresh(cell)], w.base_staff)
    decide([fresh(cell)], w.base_staff)
    decide([fresh(s) for s in members], w.base_staff)
    notes = opened_by_their_readers(K.DECIDED)
    own = next(n for n in notes if n.user == w.member_user)
    assert own.link == reverse("reviews:my-result", args=[w.season.pk])
    digest = next(n for n in notes if n.user == w.secretary and n.subject_id is None)
    assert digest.link == reverse("reviews:cell", args=[w.season.pk, "CB1"])


def test_deadline_and_overdue_notices_link_to_where_the_late_step_is_taken(db):
    w = build_world()
    w.season.deadlines = {"self_review": "2026-12-01", "meeting": "2026-12-10"}
    w.season.save()
    notify_deadlines(today="2026-11-28")
    reminders = opened_by_their_readers(K.DEADLINE)
    own = next(n for n in reminders if n.user == w.member_user)
    assert own.link == reverse("reviews:form", args=[w.season.pk, w.subject(member=w.deputy).pk])
    notify_deadlines(today="2026-12-02")
    overdue = opened_by_their_readers(K.OVERDUE)
    secretary = next(n for n in overdue if n.user == w.secretary)
    assert secretary.link == reverse("reviews:cell", args=[w.season.pk, "CB1"])
    staff = next(n for n in overdue if n.user == w.base_staff)  # cells CB1 and CB2: several
    assert staff.link == reverse("reviews:dashboard-start", args=[w.season.pk])
    # The meeting's reminder goes to the meeting page.
    notify_deadlines(today="2026-12-07")
    meeting = [n for n in Notification.objects.filter(user=w.secretary, kind=K.DEADLINE) if "10/12" in n.text]
    assert meeting and meeting[0].link == reverse("reviews:meeting", args=[w.season.pk, "CB1"])


def test_the_notification_list_shows_the_link(world):
    w = world
    deputy = w.subject(member=w.deputy)
    complete_form(deputy, w.member_user)
    return_form(subject=fresh(deputy), actor=w.secretary, reason="Bổ sung mục III")
    client = Client()
    client.force_login(w.member_user)
    page = client.get(reverse("reviews:notifications", args=[w.season.pk])).content.decode()
    assert f'href="{reverse("reviews:form", args=[w.season.pk, deputy.pk])}"' in page


def test_the_officers_are_offered_the_members_review_not_the_members_part(world):
    w = world
    deputy = w.subject(member=w.deputy)
    complete_form(deputy, w.member_user)
    return_form(subject=fresh(deputy), actor=w.secretary, reason="Bổ sung mục III")
    # A notice written before the officers' link changed still names the member's form.
    Notification.objects.filter(kind=K.RETURNED).exclude(user=w.member_user).update(
        link=reverse("reviews:form", args=[w.season.pk, deputy.pk])
    )
    page_url = reverse("reviews:notifications", args=[w.season.pk])
    officers = set(
        Notification.objects.filter(kind=K.RETURNED)
        .exclude(user=w.member_user)
        .values_list("user", flat=True)
    )
    assert officers
    for officer in officers:
        client = Client()
        client.force_login(Notification.objects.filter(user_id=officer).first().user)
        page = client.get(page_url).content.decode()
        assert f"Xem bản kiểm điểm của đồng chí {deputy.name}" in page
        assert f'href="{reverse("reviews:subject", args=[w.season.pk, deputy.pk])}"' in page
        assert "Sửa và nộp lại" not in page
    client = Client()
    client.force_login(w.member_user)
    page = client.get(page_url).content.decode()
    assert "Sửa và nộp lại" in page and "Xem bản kiểm điểm của đồng chí" not in page
    # Unread is marked calmly: not with the red of an error.
    assert "data-unread" in page and "border-danger" not in page and "text-bg-danger" not in page
