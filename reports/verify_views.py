"""The public verification page: what a document is, who signed it and when, its SHA-256, and a
check that an uploaded file is exactly that document. No login; rate limited; nothing else about
anyone is shown."""

import hashlib

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from config.ratelimit import allow
from reports.models import ReportJob

MAX_UPLOAD = 50 * 1024 * 1024


class CheckForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("The file you received (PDF or ZIP)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 50 MB."))
        return upload


def _digest(upload) -> str:
    sha = hashlib.sha256()
    for chunk in upload.chunks():
        sha.update(chunk)
    return sha.hexdigest()


def _too_many(request) -> HttpResponse:
    body = render_to_string("reports/web/verify_limited.html", request=request)
    return HttpResponse(body, status=429, headers={"Retry-After": "60"})


@require_http_methods(["GET", "POST"])
def verify(request, code: str):
    if not allow(request, "verify", limit=30) or (
        request.method == "POST" and not allow(request, "verify-upload", limit=10)
    ):
        return _too_many(request)
    job = ReportJob.objects.filter(verification_code=code.upper(), status=ReportJob.Status.DONE).first()
    if job is None:
        raise Http404
    form = CheckForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        digest = _digest(form.cleaned_data["file"])
        inner = [f["name"] for f in job.params.get("files", []) if f.get("sha256") == digest]
        result = {"digest": digest, "matches": digest == job.sha256, "inner": inner[0] if inner else ""}
    return render(request, "reports/web/verify.html", {"job": job, "form": form, "result": result})
