"""Rendering a document in one piece: build it, render it to PDF, sign it once, finish the job."""

import io

from pypdf import PdfReader

from reports import documents
from reports.models import ReportJob
from reports.pdf import html_to_pdf
from reports.services.jobs import finish, heartbeat, verification_url
from reports.signing import sign_pdf, signing_key


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
