"""The cell secretary acknowledges a member's pledge, or returns it to them for changes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members.models import Pledge
from members.services import PledgeError, acknowledge_pledge, return_pledge
from reviews.models import Season, SeasonUnit, Subject
from reviews.views.cell.common import back_to_cell
from reviews.views.common import get_season, get_unit


def _cell_pledge(season: Season, unit: SeasonUnit, pk: int) -> Pledge:
    """A pledge of the season's year by a member of this cell (404 otherwise)."""
    pledge = get_object_or_404(Pledge.objects.select_related("member"), pk=pk, year=season.year)
    if not Subject.objects.filter(season=season, unit=unit, member_id=pledge.member_id).exists():
        raise Http404
    return pledge


def _pledge_step(request, season: int, code: str, pk: int, step, success: str):
    season = get_season(season)
    unit = get_unit(request, season, code, manage=True)
    pledge = _cell_pledge(season, unit, pk)
    try:
        step(pledge=pledge, actor=request.user)
    except PledgeError as refusal:
        for reason in refusal.messages:
            messages.error(request, reason)
    else:
        messages.success(request, success % {"name": pledge.member.full_name})
    return back_to_cell(season, unit, f"member-{pledge.member_id}")


@login_required
@require_POST
def acknowledge_pledge_view(request, season: int, code: str, pk: int):
    return _pledge_step(request, season, code, pk, acknowledge_pledge, _("Pledge of %(name)s acknowledged."))


@login_required
@require_POST
def return_pledge_view(request, season: int, code: str, pk: int):
    return _pledge_step(
        request, season, code, pk, return_pledge, _("Pledge of %(name)s returned to them for changes.")
    )
