"""The actions of the quarters' progress page (reviews/views/quarter_progress.py) follow the access
audit's rule (test_scoped_access_audit.py): a user who cannot see the season's quarters — no role
in the season, no subject in it — gets 404, as on the page itself; a user who sees them but may
not take the step gets the step's 403; the one whose role it is takes it. Each refusal changes
nothing."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from members.models import CommitteeSeat
from reviews.models import Event, Notification, Quarter, QuarterSetup, SeasonUnit
from reviews.quarters import services
from reviews.supervision import attendance
from tests.clock import ROLES_FROM
from tests.factories import UserFactory
from tests.reviews.helpers import MEETING_DAY
from tests.reviews.test_quarters import quarter_world
from tests.security.test_scoped_access_audit import as_user, member_of_another_province

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(db):
    world = quarter_world()
    services.open_quarter(season=world.season, actor=world.board, number=2)
    world.other_province = member_of_another_province()
    return world


def outsiders(w):
    """A user without any role, and a member of another province (a member record, no part in
    the season)."""
    return (w.outsider, w.other_province)


def url(name, w, *args):
    return reverse(f"reviews:{name}", args=[w.season.pk, *args])


# -- opening a quarter (R366-QTR-1, R366-QTR-5) -----------------------------------------------------


def test_opening_a_quarter_is_404_to_an_outsider_even_with_a_bad_deadline(w, client):
    for user in outsiders(w):
        client = as_user(client, user)
        for data in ({"number": "3", "deadline": "10/09/2026"}, {"number": "3", "deadline": "x"}, {}):
            assert client.post(url("quarter-open", w), data).status_code == 404, (user.username, data)
    assert not Quarter.objects.filter(season=w.season, number=3).exists()


def test_opening_a_quarter_is_403_to_one_who_sees_the_season_but_is_not_the_board(w, client):
    for user in (w.commune_staff, w.base_staff, w.member_user):
        client = as_user(client, user)
        for data in ({"number": "3", "deadline": "10/09/2026"}, {"number": "3", "deadline": "x"}):
            assert client.post(url("quarter-open", w), data).status_code == 403, (user.username, data)
    assert not Quarter.objects.filter(season=w.season, number=3).exists()


def test_the_board_opens_a_quarter(w, client):
    response = as_user(client, w.board).post(
        url("quarter-open", w), {"number": "3", "deadline": "10/09/2026"}
    )
    assert response.status_code == 302 and response["Location"] == url("quarters", w)
    assert Quarter.objects.get(season=w.season, number=3).deadline.isoformat() == "2026-09-10"


# -- the quarters' setup (R366-QTR-1, R366-QTR-4) -------------------------------------------------------


def test_the_quarter_setup_is_404_to_an_outsider(w, client):
    for user in outsiders(w):
        response = as_user(client, user).post(url("quarter-setup", w), {"profiles": ["LD"], "quota": "on"})
        assert response.status_code == 404, user.username
    assert not QuarterSetup.objects.filter(season=w.season).exists()
    assert not Event.objects.filter(season=w.season, action="quarter_setup").exists()


def test_the_quarter_setup_is_403_to_one_who_sees_the_season_but_is_not_the_board(w, client):
    for user in (w.commune_staff, w.base_staff, w.member_user):
        response = as_user(client, user).post(url("quarter-setup", w), {"profiles": ["LD"], "quota": "on"})
        assert response.status_code == 403, user.username
    assert not QuarterSetup.objects.filter(season=w.season).exists()


def test_the_board_saves_the_quarter_setup(w, client):
    response = as_user(client, w.board).post(
        url("quarter-setup", w), {"profiles": ["LD", "KLD"], "quota": "on"}
    )
    assert response.status_code == 302
    setup = QuarterSetup.objects.get(season=w.season)
    assert (setup.profiles, setup.quota, setup.updated_by) == (["KLD", "LD"], True, w.board)


# -- reminding the leaders who have not self-assessed (R366-QTR-5) ----------------------------------------


def test_reminding_is_404_to_an_outsider_whether_or_not_the_quarter_was_opened(w, client):
    for user in outsiders(w):
        client = as_user(client, user)
        for number in (2, 3):  # opened, and not: the answer tells neither
            assert client.post(url("quarter-remind", w, number)).status_code == 404, (user.username, number)
    assert not Notification.objects.exists()
    assert not Event.objects.filter(season=w.season, action="quarter_remind").exists()


def test_reminding_is_403_to_one_who_sees_the_season_but_is_not_committee_staff(w, client):
    for user in (w.member_user, w.secretary, w.leader):
        response = as_user(client, user).post(url("quarter-remind", w, 2))
        assert response.status_code == 403, user.username
    assert not Notification.objects.exists()


def test_committee_staff_remind_the_leaders(w, client):
    response = as_user(client, w.base_staff).post(url("quarter-remind", w, 2))
    assert response.status_code == 302
    assert Notification.objects.filter(user=w.member_user).exists()
    assert Event.objects.filter(season=w.season, action="quarter_remind").count() == 1


# -- a posted number that is not an id names nothing (never a server error) -----------------------------


@pytest.mark.parametrize("value", ["²", "9" * 5000, "01", ""])
def test_a_quarter_number_that_is_not_1_to_3_opens_nothing_and_says_so(w, client, value):
    """str.isdigit() holds for "²", and int() fails on it and on 5,000 digits: both were a 500."""
    response = as_user(client, w.board).post(url("quarter-open", w), {"number": value}, follow=True)
    assert response.status_code == 200
    assert "Chỉ đánh giá quý I đến quý III" in response.content.decode()
    assert list(Quarter.objects.filter(season=w.season).values_list("number", flat=True)) == [2]


@pytest.mark.parametrize("value", ["²", "9" * 5000, "99999999999999999999"])
def test_a_bulk_decision_ignores_posted_values_that_are_not_ids(w, client, value):
    response = as_user(client, w.base_staff).post(url("quarter-decide-bulk", w, 2), {"evaluation": [value]})
    assert response.status_code == 302
    assert not Event.objects.filter(season=w.season, action__startswith="quarter_decide").exists()


# -- the quarter's summary table in Excel (R366-QTR-2) ---------------------------------------------------


def attendee(w, member, organization, username):
    """A member of CS2 seated on the commune committee, without a role in the application, assigned
    to attend the review meeting of `organization` (R-SUP-1): they see that meeting, not the
    quarters' evaluations."""
    CommitteeSeat.objects.create(member=member, organization=w.commune, position=2, starts_on=ROLES_FROM)
    member.user = UserFactory(username=username)
    member.save()
    unit = SeasonUnit.objects.select_related("season", "parent").get(
        season=w.season, organization=organization
    )
    attendance.assign(actor=w.commune_staff, unit=unit, attends_on=MEETING_DAY, member=member)
    return member.user


def table_rows(response) -> list[str]:
    rows = load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
    return [row[1] for row in list(rows)[4:] if row and row[0]]


def test_the_quarter_table_is_403_to_an_attendee_not_an_empty_workbook(w, client):
    """An attendee of CB1's or CS1's review meeting sees that meeting, and holds no role over the
    quarter's evaluations: 403, where an empty workbook came back; the page offers no link."""
    for user in (
        attendee(w, w.members3[0], w.cell1, "daibieu1"),
        attendee(w, w.members3[1], w.base, "daibieu2"),
    ):
        response = as_user(client, user).get(reverse("reports:quarter-xlsx", args=[w.season.pk, 2]))
        assert response.status_code == 403, user.username
        assert "Đồng chí không được thực hiện thao tác này" in response.content.decode()
        assert "data-quarter-xlsx" not in client.get(url("quarters", w)).content.decode(), user.username


def test_the_quarter_table_is_404_to_one_whose_roles_see_no_unit(w, client):
    """An outsider, another province's member, and a member of the season without a role (who sees
    their own Mẫu 05 only): the table does not exist for them, and their page offers no link."""
    for user in (*outsiders(w), w.member_user):
        response = as_user(client, user).get(reverse("reports:quarter-xlsx", args=[w.season.pk, 2]))
        assert response.status_code == 404, user.username
    assert "data-quarter-xlsx" not in client.get(url("quarters", w)).content.decode()


def test_the_roles_over_a_part_of_the_tree_download_the_quarter_table(w, client):
    """The board, committee staff and leaders, the cell's secretary: each gets the leaders of their
    part (CB1's two leaders lie under all of them), and the page offers them the link."""
    for user in (w.board, w.commune_staff, w.base_staff, w.leader, w.secretary):
        response = as_user(client, user).get(reverse("reports:quarter-xlsx", args=[w.season.pk, 2]))
        assert response.status_code == 200, user.username
        assert sorted(table_rows(response)) == ["Lê Văn Hùng", "Phạm Thị Lan"], user.username
        assert "data-quarter-xlsx" in client.get(url("quarters", w)).content.decode(), user.username
