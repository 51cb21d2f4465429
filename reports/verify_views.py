"""The public verification page: what a document is, who signed it and when, its SHA-256, and a
check that an uploaded file is exactly that document. No login; rate limited; nothing else about
anyone is shown. A code nobody issued, or none at all, gets a page to type it again: a code is
read off paper, and a mistyped one is the likeliest way to arrive without a document."""

import hashlib

from django import forms
from django.http import HttpResponse
from django.shortcuts import redirect, render
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


def typed_code(text: str) -> str:
    """A code as people type it, in the form it is issued: any case, spaces or no hyphen."""
    kept = "".join(ch for ch in text.upper() if ch.isalnum())
    return f"{kept[:5]}-{kept[5:]}" if len(kept) == 10 else text.strip().upper()


def _lookup_page(request, typed: str = "", status: int = 200) -> HttpResponse:
    return render(request, "reports/web/verify_lookup.html", {"typed": typed}, status=status)


@require_http_methods(["GET"])
def verify_lookup(request):
    """The code typed by hand (`?ma=`): sent to its page; without one, the form to type it."""
    typed = typed_code(request.GET.get("ma", ""))[:40]
    kept = "".join(ch for ch in typed if ch.isalnum() or ch == "-")
    return redirect("verify", code=kept) if kept else _lookup_page(request)


@require_http_methods(["GET", "POST"])
def verify(request, code: str):
    if not allow(request, "verify", limit=30) or (
        request.method == "POST" and not allow(request, "verify-upload", limit=10)
    ):
        return _too_many(request)
    code = typed_code(code)[:40]
    job = ReportJob.objects.filter(verification_code=code, status=ReportJob.Status.DONE).first()
    if job is None:
        return _lookup_page(request, typed=code, status=404)
    form = CheckForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        digest = _digest(form.cleaned_data["file"])
        inner = [f["name"] for f in job.params.get("files", []) if f.get("sha256") == digest]
        result = {"digest": digest, "matches": digest == job.sha256, "inner": inner[0] if inner else ""}
    return render(request, "reports/web/verify.html", {"job": job, "form": form, "result": result})
