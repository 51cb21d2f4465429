"""R-SUP-1: a demand to review again is done only when the subject is reviewed again — an entry
recorded after it with `reviewed` set; recording them absent leaves it open. The demand's own
`done` and the counts of the blockers board and the dashboard agree."""

import pytest
from django.test import Client
from django.urls import reverse

from reviews import workflow
from reviews.models import RedoDemand
from tests.reviews.helpers import complete_form, propose, review

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _two_demands(w):
    complete_form(w.subject(unit=w.cell1), w.secretary)
    for m in w.members1:
        complete_form(w.subject(member=m), w.secretary)
    review(w.subject(unit=w.cell1), w.secretary, [w.subject(member=m) for m in w.members1])
    for member in w.members1[1:3]:
        workflow.require_redo(subject=w.subject(member=member), actor=w.base_staff, reason="Chưa đạt")


def _done(w):
    demands = RedoDemand.objects.select_related("subject__meeting_entry").order_by("subject__member_id")
    return {d.subject.member_id: d.done for d in demands}


def test_r_sup_1_a_member_recorded_absent_leaves_the_redo_demand_open(world):
    w = world
    _two_demands(w)
    again, absent = w.members1[1], w.members1[2]
    review(w.subject(unit=w.cell1), w.secretary, [w.subject(member=again)], absent=[w.subject(member=absent)])
    assert _done(w) == {again.pk: True, absent.pk: False}
    board = _client(w.base_staff).get(reverse("reviews:blockers", args=[w.season.pk, "CS1"]))
    assert 'data-redo="1/1"' in board.content.decode()
    dashboard = _client(w.commune_staff).get(reverse("reviews:dashboard", args=[w.season.pk, "XA1"]))
    assert 'data-redo="CS1:1/1"' in dashboard.content.decode()


def test_r_sup_1_a_returned_proposal_does_not_mark_the_row_again_after_the_redo(world):
    """The deciding level returned the proposal; the level above then required the review again:
    once the new review is recorded, the old return no longer marks the row."""
    w = world
    complete_form(w.subject(unit=w.cell1), w.secretary)
    complete_form(w.subject(member=w.head), w.secretary)
    review(w.subject(unit=w.cell1), w.secretary, [w.subject(member=w.head)])
    propose([w.subject(member=w.head)], w.secretary)
    workflow.return_proposal(subject=w.subject(member=w.head), actor=w.base_staff, reason="Cần làm rõ")
    assert w.subject(member=w.head).returned_proposal["reason"] == "Cần làm rõ"
    workflow.require_redo(subject=w.subject(member=w.head), actor=w.base_staff, reason="Chưa đạt")
    review(w.subject(unit=w.cell1), w.secretary, [w.subject(member=w.head)])
    head = w.subject(member=w.head)
    assert head.state == "reviewed" and head.returned_proposal is None
    page = _client(w.secretary).get(reverse("reviews:meeting", args=[w.season.pk, "CB1"])).content.decode()
    assert "js-returned" not in page
