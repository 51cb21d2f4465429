"""A collective writes a report (báo cáo kiểm điểm), a member a review (bản kiểm điểm): every
state label where a collective appears uses the collective's words (issue 11, point 14)."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from reviews.models import Subject

pytestmark = pytest.mark.django_db
S = Subject.State
MEMBER_DRAFT, COLLECTIVE_DRAFT = "Writing the review", "Writing the report"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_a_collective_in_draft_is_writing_its_report_a_member_its_review(world):
    w = world
    collective, member = w.subject(unit=w.cell1), w.subject(member=w.head)
    assert collective.state == member.state == S.DRAFT
    with translation.override("en"):
        assert collective.get_state_display() == COLLECTIVE_DRAFT
        assert member.get_state_display() == MEMBER_DRAFT
        assert Subject.state_text(S.SUBMITTED, collective=True) == Subject.State.SUBMITTED.label
        assert Subject.state_text("decided") == str(S.DECIDED.label) == "Rating decided"  # its words
        assert Subject.state_text("archived_state") == "archived_state"  # not a state: as recorded


def test_the_cell_board_labels_the_cells_report_as_a_report(world):
    w = world
    response = client_for(w.secretary).get(reverse("reviews:cell", args=[w.season.pk, "CB1"]))
    page = response.content.decode()
    report = page[page.index('id="collective-title"') : page.index('id="members-title"')]
    assert COLLECTIVE_DRAFT in report and MEMBER_DRAFT not in report
    assert MEMBER_DRAFT in page[page.index('id="members-title"') :]


def test_the_staff_queue_and_subject_page_label_a_collective_as_a_report(world):
    w = world
    client = client_for(w.commune_staff)
    response = client.get(reverse("reviews:queue", args=[w.season.pk]), {"state": "all"})
    rows = [row for row in response.context["rows"] if row.subject.is_collective]
    assert rows and all(row.subject.state == S.DRAFT for row in rows)
    page = response.content.decode()
    table = page[page.index("<tbody") : page.index("</tbody>")]
    assert COLLECTIVE_DRAFT in table and MEMBER_DRAFT not in table
    base = w.subject(unit=w.base)
    subject_page = client.get(reverse("reviews:subject", args=[w.season.pk, base.pk])).content.decode()
    assert COLLECTIVE_DRAFT in subject_page and MEMBER_DRAFT not in subject_page
