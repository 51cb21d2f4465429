"""Faults on the real components (issue 13): a Redis of the test's own that it stops and starts
again, real Celery workers that it kills.

- With the broker down a report request answers at once, the job is kept ("queued") and its page
  says it waits for the background system; when the broker is back the job runs once.
- With Redis down the public verification page still answers, rate limited in the process.
- A worker killed mid-job: another takes it over within REPORT_STALE_SECONDS +
  REPORT_SWEEP_SECONDS, whatever the visibility timeout; the part files go when the job is done.
"""

import logging
import os
import signal
import time
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from config import ratelimit
from reports.models import ReportJob, ReportPart
from reports.services import render_now, request_report
from tests.reports.conftest import use_broker, wait_for
from tests.reviews.conftest import build_world
from tests.reviews.helpers import decide_everything_below_the_commune

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

KEPT = "The request is kept and is waiting for the background system to process it: it will start by itself."


def test_with_the_broker_down_a_report_is_kept_answered_at_once_and_runs_once_when_it_is_back(
    redis_server, workers, client
):
    from config.celery import app

    world = build_world()
    decide_everything_below_the_commune(world)
    on_our_redis = {"REDIS_URL": redis_server.url, "CELERY_BROKER_URL": redis_server.url}
    workers.env.update(
        {**on_our_redis, "CELERY_RESULT_BACKEND": redis_server.url, "REPORT_SWEEP_SECONDS": "1"}
    )
    use_broker(app, redis_server.url)
    workers.wait_ready(workers.start(beat=True))
    redis_server.stop()

    client.force_login(world.base_staff)
    subject = world.subject(member=world.head)
    began = time.monotonic()
    response = client.post(
        reverse("reports:request", args=[world.season.pk, "individual"]), {"subject": subject.pk}
    )
    assert time.monotonic() - began < 6  # not the 19 s of the unbounded retries
    job = ReportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:job", args=[job.uid])
    assert job.status == "queued" and job.dispatched_at is None
    page = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert gettext(KEPT) in page and 'data-hx-trigger="every 2s"' in page
    time.sleep(3)  # beat ticks every second meanwhile, and cannot reach the broker
    assert ReportJob.objects.get(pk=job.pk).status == "queued"

    redis_server.start()
    done = wait_for(
        lambda: ReportJob.objects.filter(pk=job.pk, status__in=["done", "failed"]).first(), 90, 0.5
    )
    assert done is not None and done.status == "done", done and done.error
    assert done.attempts == 1 and done.dispatched_at is not None  # claimed once
    time.sleep(3)  # more sweeps and any duplicate message: nothing runs it again
    assert ReportJob.objects.get(pk=job.pk).attempts == 1


def test_with_redis_down_the_verification_page_answers_and_is_still_rate_limited(
    redis_server, signing, settings, client, caplog, monkeypatch, time_machine
):
    monkeypatch.setattr(ratelimit, "_local", ratelimit._LocalCounts())  # no count left to other tests
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_server.url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    world = build_world()
    decide_everything_below_the_commune(world)
    subject = world.subject(member=world.head)
    job = render_now(
        request_report(kind="individual", season=world.season, unit=subject.unit, subject=subject)
    )
    # A worker left by an earlier test may have claimed the job first (render_now then returns it
    # running): the page is about a finished document, so wait for it.
    job = wait_for(lambda: ReportJob.objects.filter(pk=job.pk, status="done").first(), 60, 0.5)
    assert job is not None
    url = reverse("verify", args=[job.verification_code])
    assert client.get(url).status_code == 200  # counted on Redis

    redis_server.stop()
    time_machine.move_to(timezone.now(), tick=False)  # the 32 requests in one minute's window
    began = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="config.ratelimit"):
        codes = [client.get(url).status_code for _ in range(32)]
    assert time.monotonic() - began < 10
    assert codes[:30] == [200] * 30 and codes[-1] == 429  # the limit holds, counted in this process
    assert any("cache is unavailable" in record.getMessage() for record in caplog.records)


def test_a_killed_worker_s_job_is_taken_over_within_the_bound_and_its_parts_are_removed(workers, settings):
    stale, sweep = 5, 1
    world = build_world(extra_members=7)  # 17 members under the base committee: 9 parts
    decide_everything_below_the_commune(world)
    # The killed worker's task comes back only after an hour: the bound does not rest on it.
    workers.env.update({"CELERY_VISIBILITY_TIMEOUT": "3600", "REPORT_STALE_SECONDS": str(stale)})
    first = workers.start()
    job = request_report(kind="archive", season=world.season, unit=world.subject(unit=world.base).unit)
    assert wait_for(lambda: ReportPart.objects.filter(job=job, done_at__isnull=False).exists(), 60)
    # Killed between two parts, the worker would lose none and the job would finish without a
    # takeover: it is killed while frozen inside a part.
    assert freeze_inside_a_part(first, job), "the first worker was never caught inside a part"
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    assert ReportJob.objects.get(pk=job.pk).status == "running"

    # The second worker renders the parts still queued; the killed one's part is missing, so the job
    # goes silent: it must be claimed again within REPORT_STALE_SECONDS + REPORT_SWEEP_SECONDS.
    workers.start(beat=True, env={"REPORT_SWEEP_SECONDS": str(sweep)})
    last_heartbeat = {}

    def taken_over():
        row = ReportJob.objects.filter(pk=job.pk).values("attempts", "heartbeat_at", "started_at").get()
        if row["attempts"] == 1:
            last_heartbeat["at"] = row["heartbeat_at"]
            return None
        return row

    row = wait_for(taken_over, 240, 0.25)  # generous: a loaded machine starts the second worker slowly
    assert row is not None and row["attempts"] == 2, (
        ReportJob.objects.filter(pk=job.pk).values("status", "attempts", "heartbeat_at").get(),
        workers.log_tails(),
    )
    assert (row["started_at"] - last_heartbeat["at"]).total_seconds() < stale + sweep + 3
    done = wait_for(
        lambda: ReportJob.objects.filter(pk=job.pk, status__in=["done", "failed"]).first(), 90, 0.5
    )
    assert done is not None and done.status == "done", done and done.error
    assert len(done.params["files"]) == 17  # every decided member of the base organization, once
    assert not ReportPart.objects.filter(job=job).exists()
    assert not (Path(settings.MEDIA_ROOT) / "reports" / "parts" / str(done.uid)).exists()


def freeze_inside_a_part(process, job, timeout: float = 60) -> bool:
    """Stop the worker (SIGSTOP) at a moment it is rendering a part: the part's row is made and not
    done. Frozen, it cannot finish the part between this check and the kill."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        os.kill(process.pid, signal.SIGSTOP)
        wait_for(lambda: _state(process.pid) in ("T", "t"), 5, 0.01)
        if ReportPart.objects.filter(job=job, done_at__isnull=True).exists():
            return True
        os.kill(process.pid, signal.SIGCONT)
        time.sleep(0.05)
    return False


def _state(pid: int) -> str:
    """The process's state letter in /proc (T: stopped)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    return stat.rsplit(")", 1)[1].split()[0]
