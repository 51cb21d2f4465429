"""Issue "Province-scale speed": a process hands out the open seasons it read before while the
stamp read with the signed-in user says none of their rows has changed (reviews/open_seasons.py).
Whatever changes a season, its rule set, its top organization or its quarter choices, or opens or
closes one, shows on the next request. The seasons are kept only outside a transaction: these
tests commit their rows as requests would."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.backends import SignedInUserBackend
from config.request_memo import RequestMemoMiddleware
from organizations.models import Organization
from reviews import open_seasons as kept
from reviews.models import QuarterSetup, RuleSet, Season
from tests.reviews.conftest import world  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)
SEASONS_READ = 'FROM "reviews_season" INNER JOIN "organizations_organization"'


def _home(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    reads = sum(SEASONS_READ in q["sql"] for q in queries.captured_queries)
    return response.context["current_season"], reads


def test_the_open_seasons_are_read_once_then_handed_out_while_unchanged(client, world):  # noqa: F811
    w = world
    client.force_login(w.secretary)
    _home(client)  # read by this process, unless an earlier request left them with this stamp
    season, reads = _home(client)
    assert reads == 0 and season == w.season and season.rule_set.name == w.season.rule_set.name


def test_a_change_to_any_row_read_with_a_season_shows_on_the_next_request(client, world):  # noqa: F811
    """Written by `update()`, as a command or another process would: no signal, only the stamp."""
    w = world
    client.force_login(w.secretary)
    QuarterSetup.objects.create(season=w.season, quota=True)
    assert _home(client)[0].quarter_setup.quota is True
    QuarterSetup.objects.filter(season=w.season).update(quota=False)
    season, reads = _home(client)
    assert reads == 1 and season.quarter_setup.quota is False

    RuleSet.objects.filter(pk=w.season.rule_set_id).update(name="Bộ quy tắc đã đổi tên")
    season, reads = _home(client)
    assert reads == 1 and season.rule_set.name == "Bộ quy tắc đã đổi tên"

    Organization.objects.filter(pk=w.province.pk).update(name="Tỉnh ủy Đổi Tên")
    season, reads = _home(client)
    assert reads == 1 and season.top_organization.name == "Tỉnh ủy Đổi Tên"
    assert _home(client)[1] == 0

    Season.objects.filter(pk=w.season.pk).update(status=Season.Status.CLOSED)
    season, reads = _home(client)
    assert reads == 1 and season is None  # the navigation offers the season no more


def test_each_request_has_its_own_copies(client, world):  # noqa: F811
    client.force_login(world.secretary)
    _home(client)
    first, second = _home(client)[0], _home(client)[0]
    assert first == second and first is not second
    assert first.rule_set is not second.rule_set and first.top_organization is not second.top_organization
    first.rule_set.name = "changed in one request"
    assert second.rule_set.name == world.season.rule_set.name == _home(client)[0].rule_set.name


def test_a_request_that_writes_a_season_reads_it_again(world):  # noqa: F811
    """The stamp was read before the write: the signal forgets it, and the seasons, for the rest
    of the request."""
    w = world
    shown = []

    def view(request):
        SignedInUserBackend().get_user(w.secretary.pk)  # as a signed-in request reads its user
        before = kept.open_seasons()[0].rule_set.name
        rule_set = RuleSet.objects.get(pk=w.season.rule_set_id)
        rule_set.name = "Đổi trong yêu cầu"
        rule_set.save(update_fields=["name"])
        shown.append((before, kept.open_seasons()[0].rule_set.name))

    RequestMemoMiddleware(view)(RequestFactory().get("/"))
    assert shown == [(w.season.rule_set.name, "Đổi trong yêu cầu")]


def test_what_a_rolled_back_write_showed_is_not_kept(client, world):  # noqa: F811
    """The stamp noted before a write that is then rolled back is the one the next request reads:
    what was read inside the transaction must not be kept under it."""
    from django.db import transaction

    w = world
    name = w.season.rule_set.name

    def view(request):
        SignedInUserBackend().get_user(w.secretary.pk)
        try:
            with transaction.atomic():
                RuleSet.objects.filter(pk=w.season.rule_set_id).update(name="Không bao giờ được lưu")
                assert kept.open_seasons()[0].rule_set.name == "Không bao giờ được lưu"
                raise RuntimeError("refused")
        except RuntimeError:
            pass

    client.force_login(w.secretary)
    _home(client)
    RequestMemoMiddleware(view)(RequestFactory().get("/"))
    assert _home(client)[0].rule_set.name == name
