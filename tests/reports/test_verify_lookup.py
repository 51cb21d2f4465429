"""The public verification page when the code is typed by hand: a mistyped or unknown code gets a
page that says so and lets the visitor type it again; a code typed in lower case, with spaces or
without its hyphen, finds its document."""

import pytest
from django.urls import reverse

from reports.models import ReportJob
from reports.services import request_report
from reports.verify_views import typed_code
from tests.reviews.conftest import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_job(db):
    world = build_world()
    subject = world.subject(member=world.head)
    job = request_report(
        kind="individual",
        season=world.season,
        unit=subject.unit,
        subject=subject,
        user=world.base_staff,
        enqueue=False,
    )
    ReportJob.objects.filter(pk=job.pk).update(status=ReportJob.Status.DONE, title="Bản kiểm điểm cá nhân")
    job.refresh_from_db()
    return job


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("7kq2m-x4tb9", "7KQ2M-X4TB9"),
        (" 7KQ2M X4TB9 ", "7KQ2M-X4TB9"),
        ("7kq2mx4tb9", "7KQ2M-X4TB9"),
        ("abc", "ABC"),
    ],
)
def test_a_code_is_read_as_it_is_issued_however_it_is_typed(typed, read):
    assert typed_code(typed) == read


def test_a_code_typed_in_lower_case_without_its_hyphen_finds_its_document(signed_job, client):
    typed = signed_job.verification_code.replace("-", "").lower()
    response = client.get(reverse("verify-lookup"), {"ma": typed}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse(
        "verify", args=[typed.upper()[:5] + "-" + typed.upper()[5:]]
    )
    assert signed_job.title in response.content.decode()


def test_an_unknown_code_says_so_and_offers_the_form_again(signed_job, client):
    response = client.get(reverse("verify", args=["aaaaa bbbbb"]))  # shown as it was read
    assert response.status_code == 404
    html = response.content.decode()
    assert "data-unknown-code" in html and "AAAAA-BBBBB" in html
    assert f'action="{reverse("verify-lookup")}"' in html and 'name="ma"' in html
    assert signed_job.title not in html  # nothing about any other document


def test_the_lookup_without_a_code_shows_the_form_and_no_warning(client):
    response = client.get(reverse("verify-lookup"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="ma"' in html and "data-unknown-code" not in html


@pytest.mark.parametrize("typed", ["../../quan-tri/", "<script>alert(1)</script>", "///", "a/b c?d=e"])
def test_a_hostile_code_is_answered_plainly(db, client, typed):
    response = client.get(reverse("verify-lookup"), {"ma": typed}, follow=True)
    assert response.status_code in (200, 404)
    assert "<script>alert(1)</script>" not in response.content.decode()
