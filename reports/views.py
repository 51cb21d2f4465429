"""Downloads of season figures. The access checks are the dashboard's: the organization must lie
in the user's part of the season's tree (404 otherwise)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone

from reports.equivalents_excel import equivalents_workbook
from reports.excel import dashboard_workbook, filename
from reports.quarter_excel import quarter_workbook
from reviews.access import require, season_scope
from reviews.models import Quarter
from reviews.quarters import guards
from reviews.supervision.equivalents import joined
from reviews.views.common import get_season, get_unit
from reviews.views.dashboard import collect_figures
from reviews.views.staff.equivalents import comparison, get_comparable_unit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def dashboard_xlsx(request, season, code):
    """The season dashboard of one organization as an Excel workbook."""
    season = get_season(season)
    unit = get_unit(request, season, code)
    figures = collect_figures(season, unit)
    response = HttpResponse(dashboard_workbook(figures), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename(figures)}"'
    return response


@login_required
def quarter_xlsx(request, season, number):
    """The summary table of a quarter for the reader's part of the season (R366-QTR-2): 404 to one
    whose roles see no unit of the season; 403 to one who sees a unit without a role over a part
    of the tree (an attendee of its review meeting), never an empty table."""
    season = get_season(season)
    scope = season_scope(request.user, season)
    if not scope.everything and not any(scope.can_view_path(p) for _kind, p in scope.roles):
        raise Http404
    require(guards.may_read_quarter_table(request.user, season))
    quarter = get_object_or_404(
        Quarter.objects.select_related("season__top_organization"), season=season, number=number
    )
    today = timezone.localdate()
    response = HttpResponse(quarter_workbook(quarter, scope.q(), today), content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="danh-gia-quy-{number}-{season.year}-{today:%Y%m%d}.xlsx"'
    )
    return response


@login_required
def equivalents_xlsx(request, season, code):
    """The equivalent positions page (R-SUP-2) as an Excel workbook: every row, same filters."""
    season = get_season(season)
    unit = get_comparable_unit(request, season, code)
    filters, wanted, _sort, subjects = comparison(request, season, unit)
    label = dict(filters.fields["post"].choices).get(wanted["post"], "")
    today = timezone.localdate()
    response = HttpResponse(
        equivalents_workbook(season, unit, label, joined(subjects, season), today), content_type=XLSX
    )
    response["Content-Disposition"] = (
        f'attachment; filename="tuong-duong-{unit.code}-{season.year}-{today:%Y%m%d}.xlsx"'
    )
    return response
