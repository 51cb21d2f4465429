"""The roster import page and its downloadable templates, for committee staff."""

from collections import Counter

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from members.roster import build_roster_template_csv, build_roster_template_xlsx, import_roster
from organizations.access import get_scope
from organizations.models import Role

IMPORTER_ROLES = (Role.Kind.COMMITTEE_STAFF, Role.Kind.PROVINCIAL_BOARD)
# A file with thousands of bad rows usually has one systematic fault; the first few hundred show it.
ERRORS_SHOWN = 200
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Roster file"),
        help_text=_(
            "An .xlsx workbook (its first sheet is read) or a UTF-8 .csv file, laid out as the template."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    check_only = forms.BooleanField(
        label=_("Only check the file; import nothing"),
        required=False,
    )


def _require_importer(user) -> None:
    if not get_scope(user).has_role(*IMPORTER_ROLES):
        raise Http404


@login_required
def roster_import(request):
    _require_importer(request.user)
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = import_roster(
            file=upload, filename=upload.name, user=request.user, dry_run=form.cleaned_data["check_only"]
        )
        if result.imported:
            form = RosterUploadForm()
    context = {"form": form, "result": result}
    if result and result.errors:
        context["errors_shown"] = result.errors[:ERRORS_SHOWN]
        context["errors_by_column"] = Counter(
            error.column for error in result.errors if error.column
        ).most_common()
    return render(request, "members/import.html", context)


@login_required
def roster_template_xlsx(request):
    _require_importer(request.user)
    return _download(build_roster_template_xlsx(), XLSX_TYPE, "mau-danh-sach-dang-vien.xlsx")


@login_required
def roster_template_csv(request):
    _require_importer(request.user)
    return _download(build_roster_template_csv(), "text/csv; charset=utf-8", "mau-danh-sach-dang-vien.csv")


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
