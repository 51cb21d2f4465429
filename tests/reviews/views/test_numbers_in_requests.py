"""Pages given numbers that name no row (config/row_ids.py): they answer as for an unknown id or
an empty choice, never with a server error. What a row id is: tests/config/test_row_ids.py."""

import pytest
from django.conf import settings
from django.urls import reverse

from reviews.models import Subject, Suggestion
from tests.reviews.test_qd366 import world366
from tests.reviews.views.test_cell_pages import client_for, record_header, row_data, submit_cell1
from tests.reviews.views.test_cell_pages import url as cell_url
from tests.reviews.views.test_staff_pages import proposed

pytestmark = pytest.mark.django_db
SUPERSCRIPT_TWO = "²"  # str.isdigit() says yes, int() raises
TWENTY_DIGITS = "9" * 20


def test_a_form_of_twenty_digits_is_not_found(world, client):
    """On PostgreSQL this answered 404 before `<id:…>` too (it compares the number as numeric);
    the server error was SQLite's, which the embedded default's walk proves. Kept as the
    page's answer on both."""
    w = world
    client.force_login(w.secretary)
    page = f"/ky-kiem-diem/{w.season.pk}/phieu/{TWENTY_DIGITS}/"
    assert client.get(page).status_code == 404
    own = reverse("reviews:form", args=[w.season.pk, w.subject(unit=w.cell1).pk])
    assert client.get(own).status_code == 200


def test_a_page_number_that_is_no_number_shows_the_first_page(world, client):
    w = world
    proposed(w)
    client.force_login(w.base_staff)
    queue = reverse("reviews:queue", args=[w.season.pk])
    first = client.get(queue)
    for odd in (SUPERSCRIPT_TWO, TWENTY_DIGITS, "-2", "x"):
        response = client.get(queue, {"page": odd})
        assert response.status_code == 200, odd
        assert response.context["page"].number == 1
        assert [r.subject.pk for r in response.context["rows"]] == [
            r.subject.pk for r in first.context["rows"]
        ]


def test_a_batch_decision_of_ids_that_name_nothing_decides_nothing(world, client):
    w = world
    proposed(w)
    client.force_login(w.base_staff)
    queue = reverse("reviews:queue_decide", args=[w.season.pk])
    response = client.post(
        queue, {"subject": [SUPERSCRIPT_TWO, TWENTY_DIGITS], "level": "HTTNV"}, follow=True
    )
    assert response.status_code == 200
    assert not Subject.objects.filter(season=w.season, state=Subject.State.DECIDED).exists()


def test_votes_typed_as_a_superscript_are_refused_as_the_form_refuses_them(world):
    w = world
    submit_cell1(w, members=[w.head])
    record_header(w)
    head = w.subject(member=w.head)
    data = row_data(head, outcome="reviewed", comments="Gương mẫu", votes_HTTNV=SUPERSCRIPT_TWO)
    response = client_for(w.secretary).post(cell_url("meeting_rows", w), data)
    assert response.status_code == 200  # the page again, with what was typed
    assert SUPERSCRIPT_TWO in response.content.decode()
    assert Subject.objects.get(pk=head.pk).state == Subject.State.SUBMITTED


def test_a_suggestion_s_meeting_length_is_not_asked_under_124(world, client):
    """QĐ 124 has no meeting length (R366-SCOPE-8 is QĐ 366's): a value posted anyway is not read."""
    w = world
    member = w.subject(member=w.members3[0])  # in the base cell CS2, under the commune
    client.force_login(w.commune_staff)
    page = reverse("reviews:subject_suggest", args=[w.season.pk, member.pk])
    data = {"suggest-text": "Làm rõ việc chậm nộp báo cáo", "suggest-meeting_min_days": SUPERSCRIPT_TWO}
    assert client.post(page, data).status_code == 302
    assert Suggestion.objects.get(subject=member).meeting_min_days is None


@pytest.mark.parametrize("days", [SUPERSCRIPT_TWO, "-7", "0", "31", "2,5"])
def test_r366_scope_8_a_suggestion_s_meeting_length_that_is_no_day_count_is_refused(client, days):
    """R366-SCOPE-8: the issuing level sets the review meeting's length, a whole number of days
    from 1 to 30; anything else is refused with a message naming the field, nothing is issued,
    and the suggestion's text comes back in its form."""
    w = world366()
    member = w.subject(member=w.members3[0])
    client.force_login(w.commune_staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = reverse("reviews:subject_suggest", args=[w.season.pk, member.pk])
    text = "Làm rõ việc chậm nộp báo cáo quý IV"
    response = client.post(page, {"suggest-text": text, "suggest-meeting_min_days": days}, follow=True)
    shown = response.content.decode()
    assert "The review meeting lasts at least (days):" in shown
    assert text in shown.split('name="suggest-text"')[1].split("</textarea>")[0]
    assert not Suggestion.objects.filter(subject=member).exists()
    client.post(page, {"suggest-text": text, "suggest-meeting_min_days": "2"})
    assert Suggestion.objects.get(subject=member).meeting_min_days == 2
