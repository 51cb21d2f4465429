"""Requesting a report, following its progress, downloading it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from reports.documents import DocumentUnavailable, rerating_issuer
from reports.models import ReportJob
from reports.services import request_report
from reviews.access import is_own, season_scope
from reviews.records_deadline import records_deadline_sentence
from reviews.views.common import get_season, get_subject, get_unit, id_from

# What each role may ask for: documents about a unit need view access to it; an individual form
# and a quarter's Mẫu 05 (R366-FORM-05) may also be asked for by the member they belong to.
UNIT_KINDS = {
    ReportJob.Kind.COLLECTIVE,
    ReportJob.Kind.MINUTES,
    ReportJob.Kind.DECISIONS,
    ReportJob.Kind.SUMMARY,
    ReportJob.Kind.ARCHIVE,
    ReportJob.Kind.RECORDS,
    ReportJob.Kind.QUARTER_TABLE,
}

# R-SUP-1: an attendee of a unit's review meeting sees that unit's own review, not the units below
# it; of the documents about the unit, only those about the unit itself (the others list the
# members and results of the whole subtree).
OWN_REVIEW_KINDS = {ReportJob.Kind.COLLECTIVE, ReportJob.Kind.MINUTES}


def may_see_unit_document(scope, kind: str, path: str) -> bool:
    return scope.sees_below(path) or (kind in OWN_REVIEW_KINDS and scope.attends(path))


def _job_for(request, uid) -> ReportJob:
    job = get_object_or_404(ReportJob.objects.select_related("season__rule_set", "unit", "subject"), uid=uid)
    scope = season_scope(request.user, job.season)
    if job.kind in UNIT_KINDS:
        allowed = may_see_unit_document(scope, job.kind, job.unit.path)
    else:
        allowed = scope.can_view_path(job.unit.path) or (
            job.subject is not None and is_own(request.user, job.subject)
        )
    if not allowed:
        raise Http404
    return job


@login_required
@require_POST
def request_job(request, season, kind):
    season = get_season(season)
    if kind not in ReportJob.Kind.values:
        raise Http404
    quarter = 0
    if kind in (ReportJob.Kind.INDIVIDUAL, ReportJob.Kind.QUARTER):
        subject = get_subject(request, season, id_from(request.POST.get("subject")))
        unit, subject_for_job = subject.unit, subject
        quarter = id_from(request.POST.get("quarter")) if kind == ReportJob.Kind.QUARTER else 0
    elif kind == ReportJob.Kind.RERATING:
        # Issued by the unit that re-rated the subject: asked by those who may see that unit.
        subject = get_subject(request, season, id_from(request.POST.get("subject")))
        unit, subject_for_job = rerating_issuer(subject) or subject.unit, subject  # no issuer: refused below
        if not season_scope(request.user, season).can_view_path(unit.path):
            raise Http404
    else:
        unit, subject_for_job = get_unit(request, season, request.POST.get("code", "")), None
        if not may_see_unit_document(season_scope(request.user, season), kind, unit.path):
            raise PermissionDenied  # an attendee asking for the subtree's documents
        quarter = id_from(request.POST.get("quarter")) if kind == ReportJob.Kind.QUARTER_TABLE else 0
    number = request.POST.get("number", "").strip()
    if number and not season_scope(request.user, season).can_manage_path(unit.path):
        raise PermissionDenied  # a register number is given by those who issue the document
    try:
        job = request_report(
            kind=kind,
            season=season,
            unit=unit,
            subject=subject_for_job,
            user=request.user,
            number=number,
            quarter=quarter,
        )
    except DocumentUnavailable as refusal:
        if refusal.link:
            url, label = refusal.link
            messages.error(request, format_html('{} <a href="{}">{}</a>', str(refusal), url, label))
        else:
            messages.error(request, str(refusal))
        return redirect(_back(request))
    return redirect("reports:job", uid=job.uid)


def _back(request) -> str:
    """The page the request came from (on this site), or the home page."""
    referer = request.headers.get("referer", "")
    if url_has_allowed_host_and_scheme(referer, {request.get_host()}, require_https=request.is_secure()):
        return referer
    return "home"


@login_required
def job_page(request, uid):
    job = _job_for(request, uid)
    template = "reports/web/_job_status.html" if request.htmx else "reports/web/job.html"
    # R366-SCOPE-7: the province's records list says when the records are due above.
    sent_above = job.kind == ReportJob.Kind.RECORDS and not request.htmx
    deadline = records_deadline_sentence(job.season, job.unit) if sent_above else ""
    return render(request, template, {"job": job, "records_deadline": deadline})


@login_required
def job_list(request):
    jobs = ReportJob.objects.filter(requested_by=request.user).select_related("unit", "season")[:50]
    return render(request, "reports/web/jobs.html", {"jobs": jobs})


@login_required
def download(request, uid):
    job = _job_for(request, uid)
    if job.status != ReportJob.Status.DONE or not job.file:
        raise Http404
    handle = default_storage.open(job.file.name, "rb")
    return FileResponse(handle, as_attachment=True, filename=job.filename, content_type=job.content_type)
