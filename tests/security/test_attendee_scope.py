"""R-SUP-1: an assigned attendee sees the review of the unit they attend, and nothing below it.

Found by the cross-scope sweep of the demo (2026-12-08): a committee member assigned to attend a
base committee's review meeting opened every cell below it — their boards, meetings, members'
self-reviews and printouts — and the approval queue of the whole base committee, because the
attendance counted as a committee leader's role over the unit's subtree."""

import re

import pytest
from django.urls import reverse

from reports.models import ReportJob
from reports.services import request_report
from reviews.models import SeasonUnit
from reviews.supervision import attendance
from tests.reviews.conftest import build_world
from tests.reviews.helpers import MEETING_DAY, seated_with_login

pytestmark = pytest.mark.django_db
DAY = MEETING_DAY  # the world's review meetings' day, which the attendee is assigned to


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def attendee_of_the_base_committee(client, world):
    """A commune committee member (no role in the application) assigned to CS1's review meeting."""
    w = world
    member = w.members3[0]
    seated_with_login(member, w.commune, "daibieu")
    base = SeasonUnit.objects.select_related("season", "parent").get(season=w.season, organization=w.base)
    attendance.assign(actor=w.commune_staff, unit=base, attends_on=DAY, member=member)
    client.force_login(member.user)
    return client


def test_the_attendee_opens_the_attended_units_meeting_and_board(world, attendee_of_the_base_committee):
    w, client = world, attendee_of_the_base_committee
    for name in ("meeting", "cell", "dashboard"):
        assert client.get(reverse(f"reviews:{name}", args=[w.season.pk, "CS1"])).status_code == 200, name


def test_the_attendee_does_not_open_the_cells_below_the_attended_unit(world, attendee_of_the_base_committee):
    w, client = world, attendee_of_the_base_committee
    below = w.subject(member=w.deputy)  # a member of CB1, reviewed at CB1's meeting, not CS1's
    urls = [
        reverse("reviews:meeting", args=[w.season.pk, "CB1"]),
        reverse("reviews:cell", args=[w.season.pk, "CB1"]),
        reverse("reviews:subject", args=[w.season.pk, below.pk]),
        reverse("reviews:form", args=[w.season.pk, below.pk]),
        reverse("reviews:form-print", args=[w.season.pk, below.pk]),
    ]
    assert {url: client.get(url).status_code for url in urls} == dict.fromkeys(urls, 404)
    queue = client.get(reverse("reviews:queue", args=[w.season.pk]))
    assert queue.status_code == 404 or below.name not in queue.content.decode()


SUBTREE_DOCUMENTS = ["summary", "decisions", "archive", "records", "quarter_table"]


@pytest.mark.parametrize("kind", SUBTREE_DOCUMENTS)
def test_the_attendee_may_not_ask_for_the_documents_that_list_the_units_below(
    world, attendee_of_the_base_committee, kind
):
    """Found by a review (2026-12-08): the attended unit's signed self-reviews (ZIP), records list,
    summary, decisions and quarter table read its whole subtree, so the attendee got the cells'
    members' documents through them."""
    w, client = world, attendee_of_the_base_committee
    response = client.post(
        reverse("reports:request", args=[w.season.pk, kind]), {"code": "CS1", "quarter": 2}
    )
    assert response.status_code == 403
    assert not ReportJob.objects.exists()


@pytest.mark.parametrize("kind", ["collective", "minutes"])
def test_the_attendee_asks_for_the_attended_units_own_documents(world, attendee_of_the_base_committee, kind):
    w, client = world, attendee_of_the_base_committee
    response = client.post(reverse("reports:request", args=[w.season.pk, kind]), {"code": "CS1"})
    assert response.status_code == 302
    job = ReportJob.objects.get()
    assert response["Location"] == reverse("reports:job", args=[job.uid])
    assert client.get(response["Location"]).status_code == 200


def test_the_attendee_does_not_open_a_subtree_document_someone_else_asked_for(
    world, attendee_of_the_base_committee
):
    w, client = world, attendee_of_the_base_committee
    base = SeasonUnit.objects.get(season=w.season, organization=w.base)
    job = request_report(kind="archive", season=w.season, unit=base, subject=None, user=w.base_staff)
    assert client.get(reverse("reports:job", args=[job.uid])).status_code == 404
    assert client.get(reverse("reports:download", args=[job.uid])).status_code == 404


def test_the_attended_units_figures_do_not_offer_the_subtree_documents(world, attendee_of_the_base_committee):
    w, client = world, attendee_of_the_base_committee
    page = client.get(reverse("reviews:dashboard", args=[w.season.pk, "CS1"])).content.decode()
    asked = set(re.findall(r"yeu-cau/(\w+)/", page))
    assert asked.isdisjoint(SUBTREE_DOCUMENTS)
    client.force_login(w.base_staff)
    page = client.get(reverse("reviews:dashboard", args=[w.season.pk, "CS1"])).content.decode()
    assert {"archive", "records"} <= set(re.findall(r"yeu-cau/(\w+)/", page))
