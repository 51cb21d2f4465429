"""Without a worker (the embedded default, tasks eager), a report is not rendered inside the
request: the request returns at once, a thread of the process renders it, and the job page shows
its progress until the file is ready."""

import re

import psycopg
import pytest
from django.db import connection
from django.urls import reverse

from reports.models import ReportJob
from tests.reports.conftest import wait_for
from tests.reviews.conftest import build_world
from tests.reviews.helpers import decide_everything_below_the_commune

pytestmark = pytest.mark.django_db(transaction=True)


def other_connection() -> psycopg.Connection:
    """A connection of its own to the test database: what it locks, the render must wait for."""
    s = connection.settings_dict
    return psycopg.connect(
        dbname=s["NAME"],
        user=s["USER"],
        password=s["PASSWORD"] or None,
        host=s["HOST"] or "127.0.0.1",
        port=s["PORT"] or 5432,
    )


@pytest.fixture
def impatient_request():
    """The test's own connection (the one a request rendering in-process would use) gives up
    waiting for a lock after a few seconds, so a render inside the request fails instead of
    hanging the test."""
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '5s'")
    yield
    with connection.cursor() as cursor:
        cursor.execute("RESET lock_timeout")


def shown_progress(client, job) -> tuple[str, int] | None:
    """(the status line, the percentage) the job page shows while it is not finished."""
    page = client.get(reverse("reports:job", args=[job.uid]), HTTP_HX_REQUEST="true").content.decode()
    found = re.search(r'aria-valuenow="(\d+)"', page)
    status = re.search(r"<p>(Đang[^<]*)</p>", page)
    return (status.group(1), int(found.group(1))) if found and status else None


def test_the_province_summary_returns_at_once_and_the_job_page_follows_its_progress(
    signing, settings, client, impatient_request
):
    from config.celery import app

    assert app.conf.task_always_eager  # the embedded default: no worker
    settings.REPORT_CHUNK_SIZE = 1  # the main part, then one appendix per base organization
    world = build_world()
    decide_everything_below_the_commune(world)
    client.force_login(world.board)
    url = reverse("reports:request", args=[world.season.pk, "summary"])

    with other_connection() as holder:
        # While this lock is held the render cannot store its first part: if the request rendered
        # the summary itself, it would wait here for ever instead of returning.
        holder.execute("LOCK TABLE reports_reportpart IN SHARE MODE")
        response = client.post(url, {"code": "TINH"})
        job = ReportJob.objects.get()
        assert response.status_code == 302 and response["Location"] == reverse("reports:job", args=[job.uid])
        assert not job.is_finished
        status, percent = shown_progress(client, job)
        assert status in ("Đang chờ xử lý…", "Đang tạo văn bản…") and percent < 100
        holder.rollback()

    # The parts are rendered one after the other: the page shows how far it has gone.
    seen = set()

    def watch():
        shown = shown_progress(client, job)
        if shown is None:
            return True  # finished
        seen.add(shown)
        return False

    assert wait_for(watch, timeout=120, step=0.05)
    assert any(status == "Đang tạo văn bản…" and 0 < percent < 100 for status, percent in seen), seen
    job.refresh_from_db()
    assert job.status == "done", job.error
    assert job.chunks == 3 and job.pages >= 3 and job.progress == 100
    page = client.get(reverse("reports:job", args=[job.uid])).content.decode()
    assert job.verification_code in page and reverse("reports:download", args=[job.uid]) in page


def test_a_document_that_fails_in_the_background_says_so_on_its_page(signing, settings, client):
    world = build_world()
    client.force_login(world.base_staff)
    settings.SIGNING_PKCS12_PATH = str(settings.MEDIA_ROOT) + "/no-such-key.p12"
    client.post(reverse("reports:request", args=[world.season.pk, "summary"]), {"code": "CS1"})
    job = ReportJob.objects.get()
    failed = wait_for(lambda: ReportJob.objects.filter(pk=job.pk, status="failed").first(), 60)
    assert failed is not None and failed.error
    page = client.get(reverse("reports:job", args=[job.uid])).content.decode()
    assert "Không tạo được văn bản." in page
