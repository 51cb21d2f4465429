"""Handing report jobs to the workers, handing them again when they were lost, and tidying after.

The broker may be down when a job is asked for: the request keeps the job ("queued", never
handed over) and answers at once (the broker timeouts in config/settings.py bound the attempt).
`redispatch_jobs`, run by Celery beat every REPORT_SWEEP_SECONDS, hands over again every job left
"queued" or "running" with a heartbeat older than REPORT_STALE_SECONDS (the broker lost the
message, or the worker died), at most once per REPORT_STALE_SECONDS for each job. A message sent
twice does no harm: the claim in reports/services/jobs.py lets one worker take the job. So a job kept
while the broker was down runs once when it is back, and a dead worker's job is taken over within
REPORT_STALE_SECONDS + REPORT_SWEEP_SECONDS, whatever the visibility timeout.

The part files of a fan-out job are removed when the job finishes; `sweep_parts` removes those a
crash left behind.
"""

import contextlib
import logging
import os

from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import Q
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from reports.models import ReportJob, ReportPart

logger = logging.getLogger(__name__)
Status = ReportJob.Status
PARTS_FOLDER = "reports/parts"


def dispatch(job_id: int) -> bool:
    """Send the job to the workers; False (logged, the job kept for the re-dispatch) when the
    broker cannot take it."""
    from reports.tasks import start_job

    try:
        start_job.delay(job_id)
    except (BrokerError, OSError) as error:
        logger.warning("report job %s kept for later: the broker did not take it (%s)", job_id, error)
        return False
    ReportJob.objects.filter(pk=job_id).update(dispatched_at=timezone.now())
    return True


def jobs_to_redispatch() -> list[int]:
    stale = timezone.now() - timezone.timedelta(seconds=settings.REPORT_STALE_SECONDS)
    lost = Q(status=Status.QUEUED) | Q(status=Status.RUNNING, heartbeat_at__lt=stale)
    not_sent_lately = Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=stale)
    return list(
        ReportJob.objects.filter(lost & not_sent_lately).order_by("pk").values_list("pk", flat=True)[:500]
    )


def redispatch_jobs() -> int:
    """Hand over again the jobs the workers do not have; stops at the first refusal of the broker."""
    sent = 0
    for job_id in jobs_to_redispatch():
        if not dispatch(job_id):
            break
        sent += 1
    if sent:
        logger.info("report jobs sent to the workers again: %s", sent)
    return sent


# -- part files ----------------------------------------------------------------------------------------


def remove_parts(job: ReportJob) -> None:
    """Delete the part files and rows of a finished job, and its empty parts folder."""
    for part in ReportPart.objects.filter(job=job):
        if part.file and default_storage.exists(part.file.name):
            default_storage.delete(part.file.name)
    ReportPart.objects.filter(job=job).delete()
    _remove_folder(f"{PARTS_FOLDER}/{job.uid}")


def sweep_parts() -> int:
    """Remove the part files no running job needs (a crash between the merge and the removal, a
    part delivered again after its job finished). Returns the number of orphan folders removed."""
    for job in ReportJob.objects.filter(
        status__in=[Status.DONE, Status.FAILED], parts__isnull=False
    ).distinct():
        remove_parts(job)
    if not default_storage.exists(PARTS_FOLDER):
        return 0
    folders, _files = default_storage.listdir(PARTS_FOLDER)
    active = {
        str(uid)
        for uid in ReportJob.objects.filter(status__in=[Status.QUEUED, Status.RUNNING]).values_list(
            "uid", flat=True
        )
    }
    removed = 0
    for folder in folders:
        if folder in active:
            continue
        path = f"{PARTS_FOLDER}/{folder}"
        for name in default_storage.listdir(path)[1]:
            default_storage.delete(f"{path}/{name}")
        _remove_folder(path)
        removed += 1
    return removed


def _remove_folder(name: str) -> None:
    """Remove an empty folder on a file-system storage (other storages have no folders)."""
    with contextlib.suppress(NotImplementedError, OSError):  # not a file system, gone, or not empty
        os.rmdir(default_storage.path(name))
