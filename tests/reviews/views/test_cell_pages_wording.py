"""What the cell board and the meeting page say, as the secretary reads them: no level cut short on
the board, the quota summary naming its groups, a step whose turn has not come not called a
blocker, a returned review waiting on its author, the order of review named by the cell's posts
(R-ORDER-3), the secretary and deputy named by their posts, and no link from the meeting page to
itself."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from reviews.models import Subject
from tests.reviews.helpers import complete_form

pytestmark = pytest.mark.django_db
S = Subject.State
CSS = Path(settings.BASE_DIR) / "static/css/app.css"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def board(w) -> str:
    return client_for(w.secretary).get(reverse("reviews:cell", args=[w.season.pk, "CB1"])).content.decode()


def section(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    return html[start : html.index("</section>", start)]


def test_the_board_never_cuts_the_level_short(world):
    """One line per member (a cell of 30 in about two screens, tests/e2e/test_cell_board.py), so a
    line may cut its words short, but never the level: it comes first in its cell, in an element
    the line never shrinks, what it is after it, and the cell's title says both in full."""
    w = world
    complete_form(w.subject(member=w.members1[2]), w.secretary)
    members = section(board(w), "members-title")
    cell = re.search(
        r'<td title="([A-Z]+) \(self-rated\)"><span class="visually-hidden">Level:</span> '
        r'<span class="cell-level"><span class="cell-level-code">([^<]+)</span>',
        members,
    )
    assert cell is not None, "a self-rated level with its title"
    assert cell.group(2) == cell.group(1)  # the level, before its words
    # The stylesheet keeps the board's cells on one line, cut with an ellipsis at the end; the
    # level's code does not shrink (the words after it do).
    rules = dict(re.findall(r"([^{}]+)\{([^{}]*)\}", CSS.read_text()))
    cells = next(body for selector, body in rules.items() if ".cell-table > tbody > tr > td" in selector)
    assert "nowrap" in cells and "ellipsis" in cells
    code = next(body for selector, body in rules.items() if ".cell-level > .cell-level-code" in selector)
    assert "flex-shrink: 0" in code


def test_the_quota_summary_names_each_group(world):
    html = board(world)
    summary = section(html, "quota-title")
    summary = summary[: summary.index("</summary>")]
    groups = re.findall(r'<span class="js-quota-group text-nowrap">([^<]+): <span class="badge', summary)
    assert groups == ["Leaders and managers", "Other members"]


def test_a_step_waiting_for_an_earlier_one_is_not_called_a_blocker(world):
    w = world
    checklist = section(board(w), "next-title")
    assert 'data-step="meeting" data-state="later"' in checklist
    assert "Waits for an earlier step" in checklist and "Blocked" not in checklist
    home = client_for(w.secretary).get(reverse("home")).content.decode()
    assert "Waits for an earlier step" in home and ">Blocked<" not in home


def test_a_returned_review_waits_for_the_member_not_ready(world):
    w = world
    subject = w.subject(member=w.members1[3])
    complete_form(subject, w.secretary)  # a complete form, returned: nothing blocks resubmitting it
    Subject.objects.filter(pk=subject.pk).update(state=S.RETURNED)
    row = re.search(rf'<tr id="member-{w.members1[3].pk}">.*?</tr>', board(w), re.S).group(0)
    assert "Returned for rework" in row
    assert "Waiting for the member to correct and resubmit the review" in row
    assert "Ready:" not in row


def test_the_meeting_page_names_the_cells_posts_and_does_not_link_to_itself(world):
    """A member submitted before the cell's own review is recorded: the reasons say to record the
    cell first (R-ORDER-2), on this very page (no link to it), and the head and deputy first
    (R-ORDER-3), named as the cell's secretary and deputy secretary."""
    w = world
    complete_form(w.subject(member=w.members1[2]), w.secretary)
    meeting = reverse("reviews:meeting", args=[w.season.pk, "CB1"])
    response = client_for(w.secretary).get(meeting)
    html = response.content.decode()
    row = next(r for r in response.context["rows"] if r.subject.member_id == w.members1[2].pk)
    reasons = {getattr(reason, "rule", ""): reason for reason in row.verdict.blockers}
    assert reasons["R-ORDER-2"].url == meeting  # the engine says where: here
    assert f'href="{meeting}"' not in html
    assert "Review the cell secretary first, then the deputy secretary, then the other members" in html
    assert "The cell secretary first, then the deputy secretary, then the other members." in html
    assert "Review the head first" not in html
    # The cell board, another page, still links to the meeting page.
    assert f'href="{meeting}"' in board(w)


def test_the_board_and_the_meeting_name_the_secretary_and_deputy_by_their_posts(world):
    """A member subject's head and deputy posts are seats in a party committee: the board and the
    meeting page call them "Bí thư" and "Phó Bí thư", as the cell does, not the general "head"."""
    w = world
    by_post = {
        s.position: s for s in Subject.objects.filter(season=w.season, unit__code="CB1", kind="member")
    }
    head, deputy = by_post[Subject.Position.HEAD], by_post[Subject.Position.DEPUTY]
    client = client_for(w.secretary)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    html = client.get(reverse("reviews:cell", args=[w.season.pk, "CB1"])).content.decode()
    assert re.search(rf'<tr id="member-{head.member_id}">.*?· Bí thư ·', html, re.S)
    assert re.search(rf'<tr id="member-{deputy.member_id}">.*?· Phó Bí thư ·', html, re.S)
    assert "Người đứng đầu" not in html and "Cấp phó" not in html
    meeting = client.get(reverse("reviews:meeting", args=[w.season.pk, "CB1"])).content.decode()
    assert '<span class="badge text-bg-dark">Bí thư</span>' in meeting
    assert '<span class="badge text-bg-dark">Phó Bí thư</span>' in meeting
    # On a screen the board's one line holds the post's standard abbreviation, the word in full in
    # its title and for a screen reader (and on a phone, where the line wraps): docs/decisions.md.
    for subject, word, short in ((head, "Bí thư", "BT"), (deputy, "Phó Bí thư", "PBT")):
        row = re.search(rf'<tr id="member-{subject.member_id}">(.*?)</tr>', html, re.S).group(1)
        assert f'title="{word}" aria-hidden="true">{short}</abbr>' in row
        assert f'<span class="cell-post-full">{word}</span>' in row
