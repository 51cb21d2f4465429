"""Counts that agree everywhere: the home page's tiles add up to the total, with those not yet
reviewed (absent, R-SCOPE-6) and those not reviewed this season (R-SCOPE-2) on tiles of their
own; the flag of a second consecutive KHTNV year (R-RATE-11 / R366-RATE-12) on the cell board's
row as on the member's page; the checklist at the top of the board and of the home page."""

import datetime
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from reviews.models import Subject
from tests.factories import make_member
from tests.reviews.conftest import REFERENCE, build_world, open_season_124

pytestmark = pytest.mark.django_db
S = Subject.State
TILES = ("writing", "submitted", "absent", "reviewed", "proposed", "decided", "out_of_scope")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def tile_values(html: str) -> dict[str, int]:
    found = re.findall(r'data-tile="(\w+)"><div class="h4 mb-0">([\d.,]+)</div>', html)
    return {name: int(re.sub(r"\D", "", value)) for name, value in found}


def world_with_absent_and_out_of_scope():
    w = build_world(open_now=False)
    make_member(w.cell1, "Hà", "Thị", "Yến", admitted_on=datetime.date(2026, 9, 1), official_on=None)
    w.season = open_season_124(top_organization=w.province, year=2026, reference_date=REFERENCE)
    Subject.objects.filter(season=w.season, member=w.members1[4]).update(state=S.ABSENT)
    Subject.objects.filter(season=w.season, member=w.members1[5]).update(state=S.SUBMITTED)
    Subject.objects.filter(season=w.season, member=w.members1[6]).update(
        state=S.DECIDED, decided_level="HTTNV"
    )
    return w


@pytest.mark.parametrize("who", ["secretary", "base_staff", "board"])
def test_home_tiles_add_up_to_the_total_with_absent_and_not_reviewed_apart(who):
    w = world_with_absent_and_out_of_scope()
    html = client_for(getattr(w, who)).get(reverse("home")).content.decode()
    tiles = tile_values(html)
    assert set(tiles) == {*TILES, "total"}
    assert sum(tiles[name] for name in TILES) == tiles["total"]
    assert tiles["absent"] == 1 and tiles["out_of_scope"] >= 1


def test_secretary_home_opens_with_the_cells_checklist():
    w = world_with_absent_and_out_of_scope()
    html = client_for(w.secretary).get(reverse("home")).content.decode()
    assert html.index("What next, and who") < html.index("data-tiles")
    assert 'data-step="report"' in html and 'data-state="waiting"' in html
    assert "Waiting for comrade Lê Văn Hùng to submit the review." in html
    # The staff's panels have no cell checklist.
    assert 'data-step="report"' not in client_for(w.base_staff).get(reverse("home")).content.decode()


def test_cell_board_opens_with_the_checklist_and_links_to_where_each_step_is_done():
    w = world_with_absent_and_out_of_scope()
    response = client_for(w.secretary).get(reverse("reviews:cell", args=[w.season.pk, "CB1"]))
    html = response.content.decode()
    assert html.index('id="next-title"') < html.index('id="members-title"')
    keys = [step.key for step in response.context["checklist"].steps]
    assert keys[:4] == ["pledges", "report", "secretary_form", "meeting"]
    meeting = reverse("reviews:meeting", args=[w.season.pk, "CB1"])
    assert f'href="{meeting}"' in html


def test_second_consecutive_khtnv_shows_on_the_cell_board_row():
    """R-RATE-11: the flag the decision set shows on the member's row of the cell board, not only
    on the member's page."""
    w = build_world()
    flagged = Subject.objects.get(season=w.season, member=w.members1[3])
    Subject.objects.filter(pk=flagged.pk).update(
        state=S.DECIDED, decided_level="KHTNV", flags={"second_khtnv": True}
    )
    response = client_for(w.secretary).get(reverse("reviews:cell", args=[w.season.pk, "CB1"]))
    rows = {row.subject.pk: row for row in response.context["rows"]}
    assert rows[flagged.pk].second_khtnv
    assert sum(row.second_khtnv for row in rows.values()) == 1
    html = response.content.decode()
    assert html.count('data-flag="second_khtnv"') == 1
    row_html = html[html.index(f'id="subject-{flagged.pk}"') :]
    assert row_html.index('data-flag="second_khtnv"') < row_html.index("</tr>")
    # The member's page says the same.
    page = client_for(w.base_staff).get(reverse("reviews:subject", args=[w.season.pk, flagged.pk]))
    assert page.context["flags"]


@pytest.mark.parametrize("extra", [0, 120])
def test_secretary_home_queries_do_not_grow_with_the_cell(extra):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    w = build_world(extra_members=extra)
    client = client_for(w.secretary2)
    client.get(reverse("home"))  # the session's first request loads what later ones reuse
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"))
    others = next(s for s in response.context["panels"][0]["season"]["checklist"].steps if s.key == "others")
    assert others.total == 3 + extra
    HOME_COUNTS.setdefault("home", len(queries))
    assert len(queries) == HOME_COUNTS["home"]


HOME_COUNTS: dict[str, int] = {}
