"""Report jobs on real Celery workers (Redis broker): a worker killed mid-render leaves the job to
be finished by another, exactly once."""

import os
import signal
from pathlib import Path

import pytest
from django.urls import reverse

from reports.models import ReportJob, ReportPart
from reports.services import request_report
from tests.reports.conftest import wait_for
from tests.reviews.conftest import build_world
from tests.reviews.helpers import decide_everything_below_the_commune

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_worker_renders_and_signs_a_document(workers):
    world = build_world()
    decide_everything_below_the_commune(world)
    workers.start()
    job = request_report(
        kind="individual",
        season=world.season,
        unit=world.subject(member=world.head).unit,
        subject=world.subject(member=world.head),
    )
    done = wait_for(lambda: ReportJob.objects.filter(pk=job.pk, status__in=["done", "failed"]).first(), 90)
    assert done is not None and done.status == "done", done and done.error
    assert done.sha256 and done.size > 1000 and done.signer_name


def test_the_province_summary_asked_in_the_browser_goes_to_a_worker_and_its_page_follows_it(workers, client):
    world = build_world()
    decide_everything_below_the_commune(world)
    workers.start()
    client.force_login(world.board)
    response = client.post(reverse("reports:request", args=[world.season.pk, "summary"]), {"code": "TINH"})
    job = ReportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:job", args=[job.uid])
    page = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert 'role="progressbar"' in page or job.verification_code in page
    done = wait_for(lambda: ReportJob.objects.filter(pk=job.pk, status__in=["done", "failed"]).first(), 120)
    assert done is not None and done.status == "done", done and done.error
    assert done.chunks == 2 and done.progress == 100  # the summary and its appendices, merged
    page = client.get(reverse("reports:job", args=[job.uid])).content.decode()
    assert done.verification_code in page and reverse("reports:download", args=[job.uid]) in page


def test_a_worker_killed_mid_job_leaves_it_to_another_and_it_completes_once(workers, settings):
    world = build_world(extra_members=21)  # 31 members under the base committee: several parts
    decide_everything_below_the_commune(world)
    first = workers.start()
    job = request_report(kind="archive", season=world.season, unit=world.subject(unit=world.base).unit)
    # Wait until the parts are being rendered, then kill the worker without warning.
    assert wait_for(lambda: ReportJob.objects.filter(pk=job.pk, status="running", chunks__gt=1).exists(), 60)
    assert wait_for(lambda: ReportPart.objects.filter(job=job).exists(), 30)
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    killed_at = ReportJob.objects.get(pk=job.pk)
    assert killed_at.status == "running"  # left unfinished, re-runnable

    workers.start()
    done = wait_for(
        lambda: ReportJob.objects.filter(pk=job.pk, status__in=["done", "failed"]).first(), 180, 0.5
    )
    assert done is not None and done.status == "done", done and done.error
    folder = Path(settings.MEDIA_ROOT) / "reports" / str(world.season.year) / str(done.uid)
    files = list(folder.iterdir())
    assert len(files) == 1 and files[0].name == done.filename
    assert not ReportPart.objects.filter(job=job).exists()  # the part files went with the merge
    assert not (Path(settings.MEDIA_ROOT) / "reports" / "parts" / str(done.uid)).exists()
    assert len(done.params["files"]) == 31  # every decided member of the base organization, once
