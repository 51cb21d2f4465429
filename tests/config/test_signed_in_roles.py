"""Issue "Province-scale speed": on PostgreSQL the signed-in user's read brings their roles today,
each with its organization and the path of its unit in every open season
(reviews/signed_in_roles.py). They are the roles the separate reads give, and a page asks no
query of its own for them."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.backends import SignedInUserBackend
from organizations.access import active_roles_on, todays_roles
from organizations.models import Kind, Role
from reviews.access import _roles_with_season_paths
from reviews.models import Season, SeasonUnit
from reviews.signed_in_roles import season_path_attribute
from tests.clock import ROLES_FROM
from tests.factories import make_org
from tests.reviews.conftest import open_season_124, world  # noqa: F401

DAY = datetime.timedelta(days=1)


def _fields(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def test_the_roles_brought_with_the_user_are_the_roles_read(world, django_assert_num_queries):  # noqa: F811
    w = world
    user, today = w.base_staff, timezone.localdate()
    late = make_org(Kind.CELL, w.base, name="Chi bộ Tổ Sử", code="CB9")  # no unit in the season
    for organization, kind, starts, ends in (
        (w.cell2, Role.Kind.MEMBER, ROLES_FROM, None),
        (late, Role.Kind.CELL_SECRETARY, ROLES_FROM, today),  # its last day: still in force
        (w.commune, Role.Kind.COMMITTEE_LEADER, ROLES_FROM, today - DAY),  # ended yesterday
        (w.commune, Role.Kind.COMMITTEE_STAFF, today + DAY, None),  # not yet
    ):
        Role.objects.create(user=user, organization=organization, kind=kind, starts_on=starts, ends_on=ends)

    given = SignedInUserBackend().get_user(user.pk)
    with django_assert_num_queries(0):
        roles = todays_roles(given)
        found, paths = _roles_with_season_paths(given, w.season)
    read = list(active_roles_on(user.pk, today).order_by("starts_on", "pk"))
    assert len(read) == 3
    assert [_fields(r) for r in roles] == [_fields(r) for r in read]
    assert [_fields(r.organization) for r in roles] == [_fields(r.organization) for r in read]
    units = dict(SeasonUnit.objects.filter(season=w.season).values_list("organization_id", "path"))
    assert late.pk not in units
    assert paths == {r.organization_id: units[r.organization_id] for r in read if r.organization_id in units}
    assert found is roles

    # A season that is not open: the paths of its units are read on their own, once.
    closed = open_season_124(
        top_organization=w.province, year=2025, reference_date=datetime.date(2025, 12, 15)
    )
    Season.objects.filter(pk=closed.pk).update(status=Season.Status.CLOSED)
    closed.refresh_from_db()
    given = SignedInUserBackend().get_user(user.pk)
    assert not hasattr(todays_roles(given)[0], season_path_attribute(closed.pk))
    with django_assert_num_queries(1):
        _roles, closed_paths = _roles_with_season_paths(given, closed)
    assert closed_paths == dict(
        SeasonUnit.objects.filter(season=closed, organization__roles__in=read).values_list(
            "organization_id", "path"
        )
    )


def test_the_roles_are_those_of_the_day_the_request_is_made(world, time_machine):  # noqa: F811
    w = world
    today = timezone.localdate()
    Role.objects.filter(user=w.base_staff).update(ends_on=today)
    assert [r.kind for r in todays_roles(SignedInUserBackend().get_user(w.base_staff.pk))] == [
        Role.Kind.COMMITTEE_STAFF
    ]
    time_machine.move_to(timezone.now() + DAY)
    assert todays_roles(SignedInUserBackend().get_user(w.base_staff.pk)) == []


def test_a_season_page_asks_no_query_for_the_roles(client, world):  # noqa: F811
    w = world
    client.force_login(w.secretary)
    url = reverse("reviews:cell", args=[w.season.pk, "CB1"])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    reads = [q["sql"] for q in queries if q["sql"].startswith('SELECT "organizations_role"')]
    assert reads == []
    user_read = next(q["sql"] for q in queries if q["sql"].startswith('SELECT "auth_user"'))
    assert "FROM organizations_role r" in user_read
