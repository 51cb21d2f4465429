"""Issue 15: equivalent positions compared side by side (R-SUP-2).

The articles ask that ratings be made "có sự so sánh giữa các vị trí tương đương"; the page shows
the subjects holding one kind of post under a unit with their levels, points, quota group and what
holds them, sorted and filtered on the server, with an Excel download, in a fixed number of queries.
"""

import io
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from members.models import CommitteeSeat
from organizations.models import Role
from reviews.models import Subject
from reviews.supervision import equivalents
from tests.clock import ROLES_FROM
from tests.factories import make_user_with_role
from tests.reviews.conftest import REFERENCE, build_world, open_season_124
from tests.reviews.helpers import complete_form, propose, review

pytestmark = pytest.mark.django_db
S = Subject.State
QUERY_BUDGET = 12


def _open(w):
    w.season = open_season_124(top_organization=w.province, year=2026, reference_date=REFERENCE)
    return w


@pytest.fixture
def world(db):
    """The reviews world, with a secretary on the committee of CB2 as well as CB1's."""
    w = build_world(open_now=False)
    w.secretary_cb2 = w.members2[0]
    CommitteeSeat.objects.create(
        member=w.secretary_cb2, organization=w.cell2, position=0, starts_on=ROLES_FROM
    )
    return _open(w)


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _url(w, code="CS1", **query):
    url = reverse("reviews:equivalents", args=[w.season.pk, code])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _shown(page: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-subject="(\d+)"', page)]


def _proposed_cell1(w, levels=None):
    complete_form(w.subject(unit=w.cell1), w.secretary)
    for m in w.members1:
        complete_form(w.subject(member=m), w.secretary)
    review(w.subject(unit=w.cell1), w.secretary, [w.subject(member=m) for m in w.members1])
    propose([w.subject(member=m) for m in w.members1], w.secretary)
    for member, level in (levels or {}).items():
        Subject.objects.filter(season=w.season, member=member).update(proposed_level=level)


def test_r_sup_2_the_cell_secretaries_of_a_base_organization_side_by_side(world):
    """Seat 0 on the committee of a cell, at the reference date: CB1's and CB2's secretaries, not
    the deputy, not the base cell's members outside CS1."""
    w = world
    page = _client(w.base_staff).get(_url(w, post="seat-0-cell"))
    assert page.status_code == 200
    assert sorted(_shown(page.content.decode())) == sorted(
        [w.subject(member=w.head).pk, w.subject(member=w.secretary_cb2).pk]
    )
    deputies = _client(w.base_staff).get(_url(w, post="seat-1-cell")).content.decode()
    assert _shown(deputies) == [w.subject(member=w.deputy).pk]


def test_r_sup_2_the_groups_of_equivalent_posts(world):
    w = world
    unit = w.subject(unit=w.base).unit
    ids = lambda post: set(equivalents.holders(w.season, unit, post).values_list("pk", flat=True))  # noqa: E731
    assert ids("org-cell") == {w.subject(unit=w.cell1).pk, w.subject(unit=w.cell2).pk}
    assert ids("leaders") == {w.subject(member=w.head).pk}
    assert w.subject(member=w.head).pk not in ids("members") and w.subject(member=w.deputy).pk not in ids(
        "members"
    )
    assert ids("members") == {w.subject(member=m).pk for m in [*w.members1[2:], *w.members2[1:]]}
    commune = w.subject(unit=w.commune).unit
    # Cells and base cells are different posts: CS2 is a base organization, not a cell of one.
    assert ids("org-cell") <= set(
        equivalents.holders(w.season, commune, "org-cell").values_list("pk", flat=True)
    )
    assert set(equivalents.holders(w.season, commune, "org-base_cell").values_list("pk", flat=True)) == {
        w.subject(unit=w.base_cell).pk
    }
    assert equivalents.holders(w.season, unit, "nonsense") is None
    # A collective is compared among those of its kind under the level that decides it.
    decider, post = equivalents.group_of(w.subject(unit=w.cell1))
    assert (decider.code, post) == ("CS1", "org-cell")
    assert equivalents.group_of(w.subject(member=w.deputy))[1] == "seat-1-cell"


def test_r_sup_2_only_staff_and_the_board_of_the_subtree_see_it(world):
    """Another subtree's staff, a cell secretary, an outsider: 404, for the page and its Excel."""
    w = world
    other_staff = make_user_with_role(Role.Kind.COMMITTEE_STAFF, w.base_cell, "cs2staff")
    xlsx = reverse("reports:equivalents-xlsx", args=[w.season.pk, "CS1"])
    for user in (other_staff, w.secretary, w.outsider, w.member_user):
        assert _client(user).get(_url(w)).status_code == 404, user
        assert _client(user).get(xlsx).status_code == 404, user
    for user in (w.base_staff, w.commune_staff, w.board, w.leader):
        assert _client(user).get(_url(w)).status_code == 200, user
    assert _client(other_staff).get(_url(w, "CS2", post="members")).status_code == 200
    assert _client(w.base_staff).get(_url(w, post="nonsense")).status_code == 200  # falls back to the default
    assert _client(w.base_staff).get(_url(w, "XA1")).status_code == 404  # above their committee


def test_r_sup_2_sorted_by_a_column_on_the_server(world):
    w = world
    _proposed_cell1(w, {w.members1[2]: "HTXSNV", w.members1[3]: "KHTNV", w.members1[4]: "HTTNV"})
    client = _client(w.base_staff)
    by_name = _shown(client.get(_url(w, post="members", sort="name")).content.decode())
    assert by_name == list(
        Subject.objects.filter(pk__in=by_name).order_by("sort_key", "pk").values_list("pk", flat=True)
    )
    assert _shown(client.get(_url(w, post="members", sort="-name")).content.decode()) == by_name[::-1]
    # Levels in the rule set's order, best first; the undecided (empty) last.
    ranked = _shown(client.get(_url(w, post="members", sort="proposed")).content.decode())
    unproposed = {w.subject(member=m).pk for m in w.members2[1:]}
    assert ranked[0] == w.subject(member=w.members1[2]).pk  # HTXSNV, then the HTTNV ones
    assert ranked[4] == w.subject(member=w.members1[3]).pk and set(ranked[5:]) == unproposed  # KHTNV
    reverse_ranked = _shown(client.get(_url(w, post="members", sort="-proposed")).content.decode())
    assert reverse_ranked[0] == w.subject(member=w.members1[3]).pk and set(reverse_ranked[5:]) == unproposed
    page = client.get(_url(w, post="members", sort="proposed")).content.decode()
    assert 'aria-sort="ascending"' in page and "sort=-proposed" in page


def test_r_sup_2_filtered_by_level_and_state(world):
    w = world
    _proposed_cell1(w, {w.members1[2]: "HTXSNV"})
    client = _client(w.base_staff)
    assert _shown(client.get(_url(w, post="members", level="HTXSNV")).content.decode()) == [
        w.subject(member=w.members1[2]).pk
    ]
    proposed = _shown(client.get(_url(w, post="members", state=S.PROPOSED)).content.decode())
    assert set(proposed) == {w.subject(member=m).pk for m in w.members1[2:]}
    drafts = _shown(client.get(_url(w, post="members", state=S.DRAFT)).content.decode())
    assert set(drafts) == {w.subject(member=m).pk for m in w.members2[1:]}
    # One quota group for all the rows: said once above the table, not in a column.
    page = client.get(_url(w, post="members")).content.decode()
    assert 'id="common-quota"' in page and 'data-col="quota"' not in page


def test_r_sup_2_each_row_shows_what_the_engine_says_holds_it(world):
    """A proposal cannot be decided before the cell's own rating (R-ORDER-5's reasons, the engine's)."""
    w = world
    _proposed_cell1(w)
    page = _client(w.base_staff).get(_url(w, post="seat-0-cell")).content.decode()
    head_row = page.split(f'data-subject="{w.subject(member=w.head).pk}"')[1].split("</tr>")[0]
    assert "text-bg-danger" in head_row and "<li>" in head_row


def test_r_sup_2_the_excel_holds_the_rows_in_the_page_order(world):
    w = world
    _proposed_cell1(w, {w.members1[2]: "HTXSNV"})
    url = reverse("reports:equivalents-xlsx", args=[w.season.pk, "CS1"]) + "?post=members&sort=proposed"
    response = _client(w.base_staff).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="tuong-duong-CS1-2026-')
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert "So sánh giữa các vị trí tương đương" in sheet["A1"].value
    assert [c.value for c in sheet[4]][:3] == ["STT", "Họ và tên / tên tổ chức", "Tổ chức"]
    first = [c.value for c in sheet[5]]
    assert first[0] == 1 and first[1] == w.members1[2].full_name and first[2] == "Chi bộ Tổ Toán"
    assert first[5] == "HTXSNV" and first[9] == "Đã đề xuất mức xếp loại"
    assert first[10] and "Đảng bộ Trường An Bình" in first[10]  # the quota group
    assert first[11]  # what holds the decision, in words
    names = [sheet.cell(row=r, column=2).value for r in range(5, sheet.max_row + 1)]
    assert len([n for n in names if n]) == len(w.members1[2:]) + len(w.members2[1:])


def test_r_sup_2_a_long_excel_stops_with_a_note(world, monkeypatch):
    from reports import equivalents_excel

    monkeypatch.setattr(equivalents_excel, "EXCEL_ROWS", 3)
    monkeypatch.setattr(equivalents_excel, "CHUNK", 2)  # two chunks, one Facts each
    w = world
    url = reverse("reports:equivalents-xlsx", args=[w.season.pk, "CS1"]) + "?post=members"
    sheet = load_workbook(io.BytesIO(_client(w.base_staff).get(url).content)).active
    numbers = [sheet.cell(row=r, column=1).value for r in range(5, sheet.max_row + 1)]
    assert numbers[:3] == [1, 2, 3] and "Bảng dừng ở 3 dòng trong số 7" in numbers[-1]  # 5 in CB1, 2 in CB2


def test_r_sup_2_the_decision_screen_links_to_the_subject_s_group(world):
    w = world
    _proposed_cell1(w)
    deputy = w.subject(member=w.deputy)
    page = (
        _client(w.base_staff).get(reverse("reviews:subject", args=[w.season.pk, deputy.pk])).content.decode()
    )
    link = re.search(r'id="equivalents-link" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert link == _url(w, post="seat-1-cell", subject=deputy.pk)
    compared = _client(w.base_staff).get(link).content.decode()
    assert f'class="table-info" aria-current="true" data-subject="{deputy.pk}"' in compared
    # The secretary of the cell may not compare: no link for them.
    page = (
        _client(w.secretary).get(reverse("reviews:subject", args=[w.season.pk, deputy.pk])).content.decode()
    )
    assert "equivalents-link" not in page


def test_r_sup_2_the_blockers_board_links_to_the_comparison(world):
    w = world
    board = reverse("reviews:blockers", args=[w.season.pk, "CS1"])
    assert f'id="equivalents-link" href="{_url(w)}"' in _client(w.base_staff).get(board).content.decode()
    assert (
        "equivalents-link"
        not in _client(w.secretary)
        .get(reverse("reviews:blockers", args=[w.season.pk, "CB1"]))
        .content.decode()
    )


def test_r_sup_2_a_highlighted_subject_on_another_page_is_shown_above(world, monkeypatch):
    from reviews.views.staff import equivalents as view

    monkeypatch.setattr(view, "PAGE_SIZE", 2)
    w = world
    last = w.subject(member=w.members2[-1])
    page = _client(w.base_staff).get(_url(w, post="members", subject=last.pk)).content.decode()
    assert _shown(page)[0] == last.pk and "page=2" in page


def test_r_sup_2_a_highlighted_subject_outside_the_group_is_not_shown(world):
    """The page's rows are read by their ids once the group is filtered and paged: a highlighted
    subject of another group, or filtered out, is not added above the table."""
    w = world
    _proposed_cell1(w, {w.members1[2]: "HTXSNV"})
    client = _client(w.base_staff)
    deputy = w.subject(member=w.deputy)  # a deputy secretary, not among the secretaries
    assert _shown(client.get(_url(w, post="seat-0-cell", subject=deputy.pk)).content.decode()) == sorted(
        [w.subject(member=w.head).pk, w.subject(member=w.secretary_cb2).pk],
        key=lambda pk: Subject.objects.get(pk=pk).sort_key,
    )
    plain = w.subject(member=w.members1[3])
    shown = _shown(client.get(_url(w, post="members", level="HTXSNV", subject=plain.pk)).content.decode())
    assert shown == [w.subject(member=w.members1[2]).pk]


_counts: dict[int, int] = {}


def _count(w, post: str) -> int:
    client = _client(w.base_staff)
    url = _url(w, post=post, sort="-proposed")
    client.get(url)  # the first request fills the process's caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("extra", [0, 35])
def test_r_sup_2_the_page_runs_a_fixed_number_of_queries(db, extra):
    """5 or 40 equivalent subjects, proposed, with the engine's reasons: the same queries."""
    w = build_world(open_now=False, extra_members=extra)
    _open(w)
    _proposed_cell1(w)
    Subject.objects.filter(season=w.season, member__in=w.crowd + w.members2).update(
        state=S.PROPOSED, proposed_level="HTTNV"
    )
    rows = equivalents.holders(w.season, w.subject(unit=w.base).unit, "members").count()
    assert rows == 8 + extra  # the 5 plain members of CB1, the 3 of CB2 and the crowd in CB2
    _counts[extra] = _count(w, "members")
    assert _counts[extra] <= QUERY_BUDGET, _counts
    if len(_counts) == 2:
        assert _counts[0] == _counts[35], _counts
