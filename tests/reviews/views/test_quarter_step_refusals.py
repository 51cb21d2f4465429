"""R366-QTR-2: deciding or returning a quarter's self-assessment asks who may before anything else.
A user who may only see the evaluation — the leader themself, their cell's secretary, a committee
leader, the staff or the board above the managing body, an attendee of the cell's review meeting —
gets the step's 403 in every state of the evaluation, whatever they post: never a refusal that
tells the state ("already evaluated on …", "not submitted yet"), the points or a missing reason.
Nothing changes and no event is written."""

import pytest
from django.urls import reverse

from reviews.models import Event, QuarterlyEvaluation, SeasonUnit
from reviews.quarters import guards, services
from reviews.supervision import attendance
from reviews.workflow import NotAllowed
from tests.reviews.helpers import MEETING_DAY, seated_with_login
from tests.reviews.test_quarters import evaluation, quarter_world, self_assess

pytestmark = pytest.mark.django_db
E = QuarterlyEvaluation.State
VIEWERS = ("member_user", "secretary", "leader", "commune_staff", "board", "attendee")
POSTS = [
    ("quarter-decide", {"general": "25", "tasks": "60", "level": "HTTNV", "comment": "Đạt"}),
    ("quarter-decide", {"general": "50", "tasks": "", "level": ""}),  # points a decider is told of
    ("quarter-decide", {"general": "25", "tasks": "60", "level": "HTTNV", "back": "list"}),
    ("quarter-return", {"reason": "Thiếu minh chứng"}),
    ("quarter-return", {"reason": ""}),  # a reason a decider is asked for
    ("quarter-return", {"reason": "Thiếu minh chứng", "back": "list"}),
]


def world_in(state: str):
    """The quarter world with Q2 open, the deputy's evaluation brought to `state` by the managing
    body (CS1's staff), and a commune committee member attending CB1's review meeting."""
    w = quarter_world()
    services.open_quarter(season=w.season, actor=w.board, number=2)
    if state != E.DRAFT:
        self_assess(w, w.deputy, w.member_user)
    if state == E.DECIDED:
        services.decide_quarter(
            evaluation=evaluation(w, w.deputy), actor=w.base_staff, general="25", tasks="60", level="HTTNV"
        )
    elif state == E.RETURNED:
        services.return_quarter_evaluation(evaluation=evaluation(w, w.deputy), actor=w.base_staff, reason="x")
    seated = w.members3[0]
    seated_with_login(seated, w.commune, "daibieu")
    cell = SeasonUnit.objects.select_related("season", "parent").get(season=w.season, organization=w.cell1)
    attendance.assign(actor=w.base_staff, unit=cell, attends_on=MEETING_DAY, member=seated)
    w.attendee = seated.user
    assert evaluation(w, w.deputy).state == state
    return w


def state_sentences(found: QuarterlyEvaluation) -> list[str]:
    """What the state would tell one who may act: each step's refusal for the state."""
    return [s for step in ("decide", "return") for s in guards.state_problems(found, step)]


@pytest.mark.parametrize("state", [E.DRAFT, E.SUBMITTED, E.RETURNED, E.DECIDED])
def test_a_viewer_is_refused_the_managing_bodys_steps_before_the_state_is_read(state, client):
    w = world_in(state)
    before = evaluation(w, w.deputy)
    told = state_sentences(before)
    events = Event.objects.filter(season=w.season).count()
    for name in VIEWERS:
        client.force_login(getattr(w, name))
        for step, data in POSTS:
            for headers in ({}, {"HX-Request": "true"}):
                url = reverse(f"reviews:{step}", args=[w.season.pk, before.pk])
                response = client.post(url, data, headers=headers)
                assert response.status_code == 403, (name, step, data, headers)
                page = response.content.decode()
                assert not any(sentence in page for sentence in told), (name, step)
        with pytest.raises(NotAllowed):  # the services say the same to any caller
            services.decide_quarter(
                evaluation=evaluation(w, w.deputy), actor=getattr(w, name), general="", tasks="", level=""
            )
        with pytest.raises(NotAllowed):
            services.return_quarter_evaluation(
                evaluation=evaluation(w, w.deputy), actor=getattr(w, name), reason=""
            )
    after = evaluation(w, w.deputy)
    assert (after.state, after.version, after.updated_at) == (before.state, before.version, before.updated_at)
    assert Event.objects.filter(season=w.season).count() == events


@pytest.mark.parametrize("state", [E.DRAFT, E.RETURNED, E.DECIDED])
def test_the_managing_body_is_told_the_state_that_blocks_it(state, client):
    """The same posts from CS1's staff, the managing body: the state's refusal, in plain words."""
    w = world_in(state)
    mine = evaluation(w, w.deputy)
    client.force_login(w.base_staff)
    for step, data in POSTS[::3]:
        url = reverse(f"reviews:{step}", args=[w.season.pk, mine.pk])
        page = client.post(url, data, follow=True).content.decode()
        assert any(sentence in page for sentence in state_sentences(mine)), (step, page[-2000:])
    assert evaluation(w, w.deputy).state == state
