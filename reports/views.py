"""Downloads of season figures. The access checks are the dashboard's: the organization must lie
in the user's part of the season's tree (404 otherwise)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse

from reports.excel import dashboard_workbook, filename
from reviews.views.common import get_season, get_unit
from reviews.views.dashboard import collect_figures

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
