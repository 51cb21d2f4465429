"""Large documents: the parts planned, rendered in parallel (PDF chunks, or ZIPs of signed forms),
then merged in order and signed once."""

import hashlib
import io
import zipfile

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from pypdf import PdfWriter

from reports import documents
from reports.models import ReportJob, ReportPart
from reports.pdf import html_to_pdf
from reports.services.jobs import Kind, Status, finish, heartbeat, holds_claim
from reports.services.rendering import _load, _sign_and_finish, _verification
from reports.signing import sign_pdf, signing_key
from reviews.models import Subject

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
