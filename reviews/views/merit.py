"""Page: who may be commended (R366-REC-3): the members rated HTXSNV this season, who receive a
certificate of merit (giấy khen) from their base committee, and among them those rated HTXSNV
five years running, whom higher levels consider. A fixed number of queries, paginated."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import render
from django.urls import path

from reviews.models import Season, SeasonUnit, Subject
from reviews.views.common import get_season, get_unit

PER_PAGE = 100
STREAK_YEARS = 5


def excellent_members(season: Season, unit: SeasonUnit):
    """Members of the unit's subtree decided at the top level this season, by cell and name."""
    top = season.rule_set.level_codes()[0]
    return (
        Subject.objects.filter(
            season=season,
            path__startswith=unit.path,
            kind=Subject.Kind.MEMBER,
            state=Subject.State.DECIDED,
            decided_level=top,
        )
        .select_related("unit")
        .order_by("path", "sort_key", "pk")
    )


def streaks(season: Season, unit: SeasonUnit, years: int = STREAK_YEARS) -> list[Subject]:
    """Those of excellent_members rated at the top level in each of the last `years` seasons of
    the same province, whatever rule set each year was rated under (levels compare). Two queries."""
    top = season.rule_set.level_codes()[0]
    member_ids = excellent_members(season, unit).values("member_id")
    running = (
        Subject.objects.filter(
            season__top_organization_id=season.top_organization_id,
            season__year__gt=season.year - years,
            season__year__lte=season.year,
            member_id__in=member_ids,
            state=Subject.State.DECIDED,
            decided_level=top,
        )
        .values("member_id")
        .annotate(seasons=Count("season", distinct=True))
        .filter(seasons=years)
        .values("member_id")
    )
    return list(excellent_members(season, unit).filter(member_id__in=running))


@login_required
def merit(request, season, code):
    season = get_season(season)
    unit = get_unit(request, season, code)
    page = Paginator(excellent_members(season, unit), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "reviews/followup/merit.html",
        {
            "season": season,
            "unit": unit,
            "page": page,
            "streaks": streaks(season, unit),
            "top": season.rule_set.level_codes()[0],
            "top_label": season.rule_set.levels[0]["label"],
            "streak_years": STREAK_YEARS,
            "first_year": season.year - STREAK_YEARS + 1,
        },
    )


urlpatterns = [path("khen-thuong/<str:code>/", merit, name="merit")]
