import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from organizations.access import Access, get_scope, require_change, require_view, visible_organizations
from organizations.models import Role
from tests.clock import DAY_UNDER_TEST, ROLES_FROM
from tests.factories import UserFactory, make_member, make_user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(tree):
    member = make_member(tree["cell_a"], given="Hường", middle="Thị", family="Nguyễn")
    member.user = UserFactory(username="member")
    member.save()
    Role.objects.create(
        user=member.user, organization=tree["cell_a"], kind=Role.Kind.MEMBER, starts_on=ROLES_FROM
    )
    return {
        "member": member,
        "secretary": make_user_with_role(Role.Kind.CELL_SECRETARY, tree["cell_a"], "secretary"),
        "base_staff": make_user_with_role(Role.Kind.COMMITTEE_STAFF, tree["base"], "base_staff"),
        "commune_staff": make_user_with_role(Role.Kind.COMMITTEE_STAFF, tree["commune"], "commune_staff"),
        "leader": make_user_with_role(Role.Kind.COMMITTEE_LEADER, tree["commune"], "leader"),
        "board": make_user_with_role(Role.Kind.PROVINCIAL_BOARD, tree["province"], "board"),
        "outsider": make_user_with_role(Role.Kind.COMMITTEE_STAFF, tree["other_commune"], "outsider"),
        "nobody": UserFactory(username="nobody"),
    }


def codes(user):
    return set(visible_organizations(user).values_list("code", flat=True))


def test_each_role_sees_exactly_its_subtree(tree, people):
    assert codes(people["secretary"]) == {"CB1"}
    assert codes(people["base_staff"]) == {"CS1", "BP1", "CB1", "CB2"}
    assert codes(people["commune_staff"]) == {"XA1", "CS1", "BP1", "CB1", "CB2"}
    assert codes(people["leader"]) == codes(people["commune_staff"])
    assert codes(people["board"]) == {"TINH", "XA1", "XA2", "CS1", "BP1", "CB1", "CB2", "CS2"}
    assert codes(people["outsider"]) == {"XA2", "CS2"}
    assert codes(people["nobody"]) == set()
    assert codes(people["member"].user) == set()


def test_leaders_may_look_but_not_change(tree, people):
    assert get_scope(people["leader"]).level(tree["cell_a"].path) == Access.VIEW
    require_view(people["leader"], tree["cell_a"])
    with pytest.raises(PermissionDenied):
        require_change(people["leader"], tree["cell_a"])


def test_outsiders_get_404_not_403(tree, people):
    with pytest.raises(Http404):
        require_view(people["outsider"], tree["cell_a"])
    with pytest.raises(Http404):
        require_change(people["outsider"], people["member"])


def test_a_member_sees_their_own_record_only(tree, people):
    own = people["member"]
    colleague = make_member(tree["cell_a"], given="Bình")
    require_view(own.user, own)
    with pytest.raises(Http404):
        require_view(own.user, colleague)
    with pytest.raises(PermissionDenied):
        require_change(own.user, own)
    require_change(own.user, own, owner_may=True)


def test_ended_and_future_roles_give_no_access(tree):
    today = DAY_UNDER_TEST
    ended = make_user_with_role(
        Role.Kind.COMMITTEE_STAFF,
        tree["base"],
        starts_on=today - datetime.timedelta(400),
        ends_on=today - datetime.timedelta(1),
    )
    future = make_user_with_role(
        Role.Kind.COMMITTEE_STAFF, tree["base"], starts_on=today + datetime.timedelta(1)
    )
    assert codes(ended) == set() and codes(future) == set()


def test_superusers_see_everything(tree):
    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
    assert "CS2" in codes(admin) and "CB1" in codes(admin)


OBJECT_URLS = [
    ("organizations:detail", lambda t, p: [t["cell_a"].code]),
    ("organizations:detail", lambda t, p: [t["base"].code]),
    ("members:list", lambda t, p: [t["cell_a"].code]),
    ("members:detail", lambda t, p: [p["member"].uid]),
]


@pytest.mark.parametrize(("name", "args"), OBJECT_URLS)
def test_every_object_url_is_404_for_an_outsider(client, tree, people, name, args):
    url = reverse(name, args=args(tree, people))
    client.force_login(people["outsider"])
    assert client.get(url).status_code == 404
    client.force_login(people["commune_staff"])
    assert client.get(url).status_code == 200


def test_pages_need_a_login(client, tree, people):
    response = client.get(reverse("organizations:detail", args=["CB1"]))
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


def test_member_list_is_scoped_and_searchable(client, tree, people):
    make_member(tree["other_base"], given="Hường", middle="Thị", family="Nguyễn")
    client.force_login(people["commune_staff"])
    response = client.get(reverse("members:list", args=["XA1"]), {"q": "nguyen thi huong"})
    found = [m.pk for m in response.context["page"]]
    assert found == [people["member"].pk]
