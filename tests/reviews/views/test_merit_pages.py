"""Members to commend (R366-REC-3): those rated HTXSNV this season, and those rated HTXSNV five years
running, counted across rule sets (levels compare), scoped to the user's part of the tree."""

import datetime

import pytest
from django.urls import reverse

from reviews.models import Subject
from reviews.services import import_decided_results
from tests.reviews.conftest import build_world, open_season_124

pytestmark = pytest.mark.django_db


def decided(w, year, excellent):
    """A season of `year` whose members are decided HTTNV, those in `excellent` HTXSNV."""
    season = open_season_124(
        top_organization=w.province, year=year, reference_date=datetime.date(year, 11, 15)
    )
    levels = {
        s.pk: "HTXSNV" if s.member in excellent else "HTTNV"
        for s in Subject.objects.filter(season=season, kind="member", out_of_scope="").select_related(
            "member"
        )
    }
    import_decided_results(season=season, levels=levels, actor=w.board, source="Hồ sơ giấy")
    return season


def test_r366_rec_3_members_to_commend_this_year_and_five_years_running(
    client, django_assert_max_num_queries
):
    w = build_world(open_now=False)
    steady, once = w.members1[3], w.members1[4]
    for year in (2022, 2023, 2024, 2025):
        decided(w, year, {steady})
    season = decided(w, 2026, {steady, once, w.members2[0]})
    client.force_login(w.base_staff)
    url = reverse("reviews:merit", args=[season.pk, "CS1"])
    # The page's own four queries (count, page, streak, rows) on top of the per-request overhead
    # that the province-scale issue brings down; the same whatever the number of members.
    with django_assert_max_num_queries(16):
        response = client.get(url)
    html = response.content.decode()
    assert [s.member for s in response.context["streaks"]] == [steady]
    names = [s.member for s in response.context["page"].object_list]
    assert set(names) == {steady, once, w.members2[0]}
    assert steady.full_name in html and "giấy khen" in html
    # Outside the subtree: the base cell's secretary sees nothing of CS1.
    client.force_login(w.base_cell_secretary)
    assert client.get(url).status_code == 404
