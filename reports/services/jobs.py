"""The job's lifecycle: the request, the hand-over to a worker, the claim and its heartbeat, and
the end (failed, or done with its file stored under the name fixed by the job)."""

import hashlib
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from reports import documents, upkeep
from reports.models import ReportJob, report_path

Kind, Status = ReportJob.Kind, ReportJob.Status


def verification_url(code: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}/xac-thuc/{code}"


def request_report(
    *,
    kind: str,
    season,
    unit,
    subject=None,
    user=None,
    number: str = "",
    quarter: int = 0,
    enqueue: bool = True,
) -> ReportJob:
    """Create the job row; the task starts once the transaction commits. `number` is the register
    number of a decision list, a summary or a re-rating decision (documents.clean_number checks
    it). A re-rating decision is asked of the unit that re-rated the subject; a quarter's Mẫu 05
    names its quarter, which must have been run for the subject (R366-QTR-5)."""
    params = {"number": documents.clean_number(number)} if number and kind in documents.NUMBERED_KINDS else {}
    if kind == Kind.QUARTER:
        documents.refuse_missing_quarter(season, subject, quarter)
    if kind == Kind.QUARTER_TABLE:
        documents.refuse_quarter_table(season, unit, quarter)
    if kind in documents.QUARTER_KINDS:
        params["quarter"] = quarter
    if kind == Kind.RERATING:
        issuer = documents.rerating_issuer(subject) if subject is not None else None
        if issuer is None or issuer.pk != unit.pk:
            name = subject.name if subject is not None else unit.name
            raise documents.DocumentUnavailable(
                f"Kết quả xếp loại của {name} chưa bị hủy bỏ và xếp loại lại: không có quyết định xếp loại lại."
            )
    if kind == Kind.DECISIONS:
        documents.refuse_empty_decisions(season, unit)
    job = ReportJob.objects.create(
        kind=kind, season=season, unit=unit, subject=subject, requested_by=user, params=params
    )
    if enqueue:
        transaction.on_commit(lambda: start(job.pk))
    return job


def start(job_id: int) -> None:
    """Hand the job to a worker, or, with no worker (tasks eager, the embedded default), to a
    thread of this process: never render it inside the request that asked for it. A broker that is
    down does not fail the request: the job waits for reports.upkeep.redispatch_jobs."""
    from reports import background
    from reports.tasks import start_job

    if start_job.app.conf.task_always_eager:
        background.start(job_id)
        ReportJob.objects.filter(pk=job_id).update(dispatched_at=timezone.now())
    else:
        upkeep.dispatch(job_id)


# -- claiming -------------------------------------------------------------------------------------


def claim(job_id: int) -> str | None:
    """Take the job for this worker; None when it is done, failed, or alive in another worker."""
    token = uuid.uuid4().hex
    now = timezone.now()
    stale = now - timezone.timedelta(seconds=settings.REPORT_STALE_SECONDS)
    taken = (
        ReportJob.objects.filter(pk=job_id)
        .filter(Q(status=Status.QUEUED) | Q(status=Status.RUNNING, heartbeat_at__lt=stale))
        .update(
            status=Status.RUNNING,
            claim_token=token,
            heartbeat_at=now,
            started_at=now,
            attempts=F("attempts") + 1,
            error="",
        )
    )
    return token if taken == 1 else None


def heartbeat(job_id: int, token: str, progress: int | None = None) -> bool:
    """Keep the claim alive (and report progress); False if another worker has taken over."""
    fields = {"heartbeat_at": timezone.now()}
    if progress is not None:
        fields["progress"] = progress
    return ReportJob.objects.filter(pk=job_id, claim_token=token, status=Status.RUNNING).update(**fields) == 1


def holds_claim(job_id: int, token: str) -> bool:
    return ReportJob.objects.filter(pk=job_id, claim_token=token, status=Status.RUNNING).exists()


def fail(job_id: int, token: str | None, error: str) -> None:
    rows = ReportJob.objects.filter(pk=job_id)
    if token:
        rows = rows.filter(claim_token=token)
    if rows.update(status=Status.FAILED, error=error[:2000], finished_at=timezone.now()):
        upkeep.remove_parts(ReportJob.objects.get(pk=job_id))


def _store(job: ReportJob, filename: str, content: bytes) -> str:
    name = report_path(job, filename)
    if default_storage.exists(name):
        default_storage.delete(name)
    return default_storage.save(name, ContentFile(content))


def finish(
    job: ReportJob,
    token: str,
    *,
    content: bytes,
    filename: str,
    content_type: str,
    title: str,
    signer=None,
    signed_at=None,
    pages: int = 0,
    extra: dict | None = None,
) -> bool:
    if not holds_claim(job.pk, token):  # taken over by another worker: leave its file alone
        return False
    name = _store(job, filename, content)
    fields = dict(
        status=Status.DONE,
        file=name,
        filename=filename,
        content_type=content_type,
        title=title[:255],
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        pages=pages,
        progress=100,
        finished_at=timezone.now(),
        signed_at=signed_at,
        signer_name=signer.name if signer else "",
        signer_organization=job.unit.name,
    )
    if extra:
        fields["params"] = {**job.params, **extra}
    if ReportJob.objects.filter(pk=job.pk, claim_token=token, status=Status.RUNNING).update(**fields) != 1:
        return False
    upkeep.remove_parts(job)
    return True
