"""Celery tasks: thin wrappers that take ids and call reports.services.

Every task is acks_late (set globally) so a worker killed mid-render leaves its message to be
delivered again; the claim in the database makes a second delivery harmless. Only transient
errors (database or broker connection) are retried; a job they leave behind is sent again by
`redispatch_jobs` (reports/upkeep.py), which Celery beat runs every REPORT_SWEEP_SECONDS.
"""

import logging

from celery import chord, group, shared_task
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerError

from reports import services, upkeep
from reports.models import ReportJob

logger = logging.getLogger(__name__)
TRANSIENT = (OperationalError, InterfaceError, ConnectionError, BrokerError)


# No result: the web process that sends it never waits on the result backend.
@shared_task(bind=True, autoretry_for=TRANSIENT, retry_backoff=5, max_retries=5, ignore_result=True)
def start_job(self, job_id: int) -> None:
    """Claim the job; render it here, or fan its parts out to the workers and merge after."""
    token = services.claim(job_id)
    if token is None:
        logger.info("report job %s: nothing to claim (done, failed or running elsewhere)", job_id)
        return
    job = ReportJob.objects.select_related("season", "unit").get(pk=job_id)
    try:
        parts = services.plan_parts(job)
        if not parts:
            services.render_single(job_id, token)
            return
        ReportJob.objects.filter(pk=job_id).update(chunks=len(parts))
        chord(
            group(render_part.s(job_id, index, spec) for index, spec in enumerate(parts)),
            merge_job.si(job_id, token),
        ).apply_async()
    except TRANSIENT:
        raise
    except Exception as error:
        logger.exception("report job %s failed", job_id)
        services.fail(job_id, token, f"{error.__class__.__name__}: {error}")


@shared_task(bind=True, autoretry_for=TRANSIENT, retry_backoff=5, max_retries=5)
def render_part(self, job_id: int, index: int, spec: dict) -> int:
    services.render_part(job_id, index, spec)
    return index


@shared_task(bind=True, autoretry_for=TRANSIENT, retry_backoff=5, max_retries=20)
def merge_job(self, job_id: int, token: str) -> None:
    try:
        merged = services.merge_parts(job_id, token)
    except TRANSIENT:
        raise
    except Exception as error:
        logger.exception("report job %s failed while merging", job_id)
        services.fail(job_id, token, f"{error.__class__.__name__}: {error}")
        return
    if not merged:  # a part was delivered twice and the chord counted it: wait for the rest
        raise self.retry(countdown=5)


@shared_task(ignore_result=True)
def redispatch_jobs() -> int:
    return upkeep.redispatch_jobs()


@shared_task(ignore_result=True)
def sweep_parts() -> int:
    return upkeep.sweep_parts()
