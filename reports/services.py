"""Report jobs: request, claim, render, sign, store.

A request creates a `ReportJob` row and enqueues a task after commit (without a worker, a thread
of the web process runs it: reports/background.py; with the broker down, the job is kept and sent
again later: reports/upkeep.py). A task claims the row with a
conditional UPDATE (a duplicate delivery finds nothing to claim; a row whose worker died is
claimed again once its heartbeat is older than REPORT_STALE_SECONDS), renders, signs once, stores
the file under a name fixed by the job (a re-run overwrites, so there is only ever one file) and
marks the row done only if it still holds the claim.
"""

import hashlib
import io
import uuid
import zipfile

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from pypdf import PdfReader, PdfWriter

from reports import documents, upkeep
from reports.models import ReportJob, ReportPart, report_path
from reports.pdf import html_to_pdf
from reports.signing import sign_pdf, signing_key
from reviews.models import Subject

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


# -- rendering --------------------------------------------------------------------------------------


def _load(job_id: int) -> ReportJob:
    return ReportJob.objects.select_related(
        "season__rule_set", "season__top_organization", "unit", "subject"
    ).get(pk=job_id)


def _verification(job: ReportJob):
    return documents.verification_for(job.verification_code, verification_url(job.verification_code))


def _page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def sign(job: ReportJob, pdf: bytes, title: str):
    key = signing_key(job.unit.code)
    signed, when = sign_pdf(pdf, key=key, organization=job.unit.name, reason=title)
    return signed, when, key


def render_single(job_id: int, token: str) -> None:
    """One document, rendered and signed in this task."""
    job = _load(job_id)
    document = documents.build(
        job.kind,
        season=job.season,
        unit=job.unit,
        subject=job.subject,
        verification=_verification(job),
        number=job.params.get("number", ""),
        quarter=job.params.get("quarter", 0),
    )
    pdf = html_to_pdf(documents.render_html(document))
    heartbeat(job.pk, token, 60)
    _sign_and_finish(job, token, pdf, title=document.title, filename=document.filename)


def _sign_and_finish(job: ReportJob, token: str, pdf: bytes, *, title: str, filename: str) -> None:
    signed, when, key = sign(job, pdf, title)
    finish(
        job,
        token,
        content=signed,
        filename=filename,
        content_type="application/pdf",
        title=title,
        signer=key,
        signed_at=when,
        pages=_page_count(signed),
    )


# -- large documents: parts rendered in parallel, merged, signed once --------------------------------


def plan_parts(job: ReportJob) -> list[dict]:
    """The chunks of a large document; [] when it is rendered in one piece."""
    if job.kind == Kind.SUMMARY:
        chunks = documents.summary_parts(job.season, job.unit, settings.REPORT_CHUNK_SIZE)
        if not chunks:
            return []
        parts, number = [{"kind": "main"}], 1
        for ids in chunks:
            parts.append({"kind": "appendix", "units": ids, "first": number})
            number += len(ids)
        return parts
    if job.kind == Kind.QUARTER_TABLE:
        # Issue 14, R366-QTR-2: a quarter table above documents.TABLE_LIMIT leaders, in row parts.
        chunks = documents.quarter_table_part_ids(job.season, job.unit, job.params.get("quarter", 0))
        if not chunks:
            return []
        parts, first = [{"kind": "main"}], 1
        for ids in chunks:
            parts.append({"kind": "quarter_rows", "evaluations": ids, "first": first})
            first += len(ids)
        return parts
    if job.kind == Kind.ARCHIVE:
        ids = list(
            Subject.objects.filter(
                season=job.season,
                kind=Subject.Kind.MEMBER,
                path__startswith=job.unit.path,
                state=Subject.State.DECIDED,
            )
            .order_by("path", "sort_key")
            .values_list("pk", flat=True)
        )
        size = max(1, settings.REPORT_CHUNK_SIZE // 4)
        return [{"kind": "forms", "subjects": ids[i : i + size]} for i in range(0, len(ids), size)] or [
            {"kind": "forms", "subjects": []}
        ]
    return []


def render_part(job_id: int, index: int, spec: dict) -> None:
    """Render one part and keep it as a ReportPart file. Idempotent: a part already done is kept,
    and a part delivered again after its job has finished is not rendered."""
    job = _load(job_id)
    if job.is_finished:
        return
    part, _created = ReportPart.objects.get_or_create(job=job, index=index)
    if part.done_at and part.file and default_storage.exists(part.file.name):
        return
    verification = _verification(job)
    if spec["kind"] == "main":
        document = documents.build(
            job.kind,
            season=job.season,
            unit=job.unit,
            verification=verification,
            number=job.params.get("number", ""),
            quarter=job.params.get("quarter", 0),
        )
        content = html_to_pdf(documents.render_html(document))
        ReportJob.objects.filter(pk=job.pk).update(title=document.title[:255], filename=document.filename)
    elif spec["kind"] == "appendix":
        content = html_to_pdf(
            documents.render_html(
                documents.build_summary_part(
                    season=job.season,
                    unit=job.unit,
                    base_unit_ids=spec["units"],
                    first_number=spec["first"],
                    verification=verification,
                    number=job.params.get("number", ""),
                )
            )
        )
    elif spec["kind"] == "quarter_rows":
        content = html_to_pdf(
            documents.render_html(
                documents.quarter_table_part(
                    job.season,
                    job.unit,
                    job.params.get("quarter", 0),
                    spec["evaluations"],
                    spec["first"],
                    verification,
                )
            )
        )
    else:
        content = _forms_zip(job, spec["subjects"])
    name = f"reports/parts/{job.uid}/{index:05d}.{'zip' if spec['kind'] == 'forms' else 'pdf'}"
    if default_storage.exists(name):
        default_storage.delete(name)
    part.file.name = default_storage.save(name, ContentFile(content))
    part.done_at = timezone.now()
    part.save(update_fields=["file", "done_at"])
    done = ReportPart.objects.filter(job=job, done_at__isnull=False).count()
    ReportJob.objects.filter(pk=job.pk, status=Status.RUNNING).update(
        progress=min(95, int(90 * done / max(job.chunks, 1))), heartbeat_at=timezone.now()
    )


def _forms_zip(job: ReportJob, subject_ids: list[int]) -> bytes:
    """Signed individual forms of one chunk, zipped, with their SHA-256 in a manifest line each."""
    buffer = io.BytesIO()
    verification = _verification(job)
    key = signing_key(job.unit.code)
    subjects = Subject.objects.filter(pk__in=subject_ids).select_related(
        "season__rule_set", "season__top_organization", "unit", "decider", "member"
    )
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for subject in sorted(subjects, key=lambda s: (s.path, s.sort_key)):
            document = documents.build(
                Kind.INDIVIDUAL,
                season=job.season,
                unit=subject.unit,
                subject=subject,
                verification=verification,
            )
            signed, _when = sign_pdf(
                html_to_pdf(documents.render_html(document)),
                key=key,
                organization=subject.unit.name,
                reason=document.title,
            )
            path = f"{subject.unit.code}/{document.filename}"
            archive.writestr(path, signed)
            archive.writestr(f"{path}.sha256", hashlib.sha256(signed).hexdigest())
    return buffer.getvalue()


def merge_parts(job_id: int, token: str) -> bool:
    """Merge the parts in order and sign once (PDF), or gather the forms into one ZIP (archive).
    Returns False when a part is still missing (the caller retries later); True with nothing done
    when the job is no longer this claim's (finished, or taken over after a worker died)."""
    if not holds_claim(job_id, token):
        return True
    job = _load(job_id)
    parts = list(ReportPart.objects.filter(job=job).order_by("index"))
    if len(parts) < job.chunks or any(p.done_at is None for p in parts):
        return False
    if job.kind == Kind.ARCHIVE:
        content, manifest = _merge_zips(parts)
        title = f"Lưu trữ bản kiểm điểm cá nhân năm {job.season.year} – {job.unit.name}"
        finish(
            job,
            token,
            content=content,
            filename=f"luu-tru-{job.season.year}-{job.unit.code.lower()}.zip",
            content_type="application/zip",
            title=title,
            extra={"files": manifest},
        )
        return True
    writer = PdfWriter()
    for part in parts:
        with default_storage.open(part.file.name, "rb") as handle:
            writer.append(io.BytesIO(handle.read()))
    merged = io.BytesIO()
    writer.write(merged)
    heartbeat(job.pk, token, 96)
    _sign_and_finish(job, token, merged.getvalue(), title=job.title, filename=job.filename)
    return True


def _merge_zips(parts: list[ReportPart]) -> tuple[bytes, list[dict]]:
    buffer, manifest = io.BytesIO(), []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for part in parts:
            with (
                default_storage.open(part.file.name, "rb") as handle,
                zipfile.ZipFile(io.BytesIO(handle.read())) as source,
            ):
                for name in source.namelist():
                    data = source.read(name)
                    target.writestr(name, data)
                    if not name.endswith(".sha256"):
                        manifest.append({"name": name, "sha256": hashlib.sha256(data).hexdigest()})
    return buffer.getvalue(), manifest


def render_now(job: ReportJob) -> ReportJob:
    """The same code path as the workers, synchronously (for `render_report` and tests)."""
    token = claim(job.pk)
    if token is None:
        return _load(job.pk)
    try:
        parts = plan_parts(job)
        if not parts:
            render_single(job.pk, token)
        else:
            ReportJob.objects.filter(pk=job.pk).update(chunks=len(parts))
            for index, spec in enumerate(parts):
                render_part(job.pk, index, spec)
            merge_parts(job.pk, token)
    except Exception as error:
        fail(job.pk, token, f"{error.__class__.__name__}: {error}")
        raise
    return _load(job.pk)
