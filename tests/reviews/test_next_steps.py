"""The cell's ordered next steps (reviews/next_steps.py): the order of the ratings under QĐ 124
(R-ORDER-6: the cell before its members) and QĐ 366 (R366-ORDER-3: after all of them), whose
move each waiting step is, a blocker shared by several members said once, and a fixed number of
queries whatever the size of the cell."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from config.home import _cell_checklist
from members.models import Pledge
from reviews.models import SeasonUnit, Subject
from reviews.next_steps import DONE, LATER, WAITING
from tests.reviews.conftest import build_world
from tests.reviews.test_qd366 import world366

pytestmark = pytest.mark.django_db
S = Subject.State


def checklist(w, code="CB1"):
    with translation.override("en"):
        return _cell_checklist(w.season, SeasonUnit.objects.get(season=w.season, code=code))


def steps_by_key(w, code="CB1"):
    return {step.key: step for step in checklist(w, code).steps}


def set_states(w, state, members=None, **fields):
    members = w.members1 if members is None else members
    Subject.objects.filter(season=w.season, member__in=members).update(state=state, **fields)


def set_cell(w, state, **fields):
    Subject.objects.filter(season=w.season, unit__organization=w.cell1, kind="organization").update(
        state=state, **fields
    )


RATINGS_124 = ["rating_organization", "rating_member"]
RATINGS_366 = ["rating_member", "rating_organization"]
BEFORE = ["pledges", "report", "secretary_form", "meeting", "head", "deputies", "others", "proposals"]


def test_r_order_6_under_124_the_cell_is_rated_before_its_members(db):
    """R-ORDER-6: the checklist puts the cell's rating before the members'; members proposed
    while the cell is not decided wait for it."""
    w = build_world()
    assert [s.key for s in checklist(w).steps] == BEFORE + RATINGS_124
    set_cell(w, S.PROPOSED, proposed_level="HTTNV")
    set_states(w, S.PROPOSED, proposed_level="HTTNV")
    steps = steps_by_key(w)
    assert steps["rating_organization"].state == WAITING
    assert steps["rating_organization"].moves == [
        "Đảng bộ Trường An Bình decides the level of Chi bộ Tổ Toán."
    ]
    assert steps["rating_member"].state == LATER
    assert steps["rating_member"].moves == ["Waits for the step “Rating of the cell”."]


def test_r366_order_3_under_366_the_cell_is_rated_after_all_its_members(db):
    """R366-ORDER-3: the members' ratings come first; the cell's waits for them. The committee
    may propose the cell's level already; only its decision waits."""
    w = world366()
    assert [s.key for s in checklist(w).steps] == BEFORE + RATINGS_366
    set_cell(w, S.REVIEWED)
    set_states(w, S.PROPOSED, proposed_level="HTTNV")
    steps = steps_by_key(w)
    assert steps["rating_member"].state == WAITING
    assert steps["rating_member"].moves == ["Đảng bộ Trường An Bình decides the levels of 7 members."]
    assert steps["rating_organization"].state == WAITING
    assert steps["rating_organization"].moves == [
        "Đảng bộ Trường An Bình proposes the level of Chi bộ Tổ Toán.",
        "The decision waits for the step “The members' ratings”.",
    ]
    set_cell(w, S.PROPOSED, proposed_level="HTTNV")
    assert steps_by_key(w)["rating_organization"].state == LATER


def test_whose_move_names_the_person_in_vietnamese_order_and_groups_a_shared_blocker(db):
    w = build_world()
    steps = steps_by_key(w)
    # Nothing written yet: the cell's report and the secretary's own review wait for them.
    assert steps["report"].state == WAITING
    assert steps["report"].moves == ["The cell secretary writes and submits the cell's report."]
    assert steps["secretary_form"].moves == ["Waiting for comrade Lê Văn Hùng to submit the review."]
    # The meeting waits for the report; the reviews wait for the meeting: said as a step, once.
    assert steps["meeting"].state == LATER
    assert steps["head"].state == LATER and steps["others"].state == LATER
    set_cell(w, S.REVIEWED)
    set_states(w, S.SUBMITTED, members=[w.head, w.deputy])
    steps = steps_by_key(w)
    assert steps["meeting"].state == DONE
    # Five members have not submitted: one sentence with their names, on one step only.
    # R-ORDER-3: their reviews wait for the deputy's; their own move is said all the same.
    others = steps["others"]
    assert others.state == LATER and others.done == 0 and others.total == 5
    assert others.moves == [
        "Waits for the step “Reviews of the deputies”.",
        "5 members have not submitted the review: Nguyễn Văn An, Nguyễn Văn Bình, Nguyễn Văn Cường, "
        "Nguyễn Văn Dũng and 1 more.",
    ]
    everything = [move for step in steps.values() for move in step.moves]
    assert sum("have not submitted" in move for move in everything) == 1
    assert steps["head"].moves == ["The cell secretary records the review of Lê Văn Hùng at the meeting."]
    # Once the cell is reviewed, the committee above proposes its level.
    assert steps["rating_organization"].moves == [
        "Đảng bộ Trường An Bình proposes the level of Chi bộ Tổ Toán."
    ]


def test_pledges_step_says_who_acknowledges_and_who_has_not_written(db):
    w = build_world()
    Pledge.objects.create(member=w.members1[0], year=2026, state=Pledge.State.ACKNOWLEDGED)
    Pledge.objects.create(member=w.members1[1], year=2026, state=Pledge.State.SUBMITTED)
    Pledge.objects.create(member=w.members1[2], year=2026, state=Pledge.State.SUBMITTED)
    step = steps_by_key(w)["pledges"]
    assert (step.state, step.done, step.total) == (WAITING, 1, 7)
    assert step.moves[0] == "The cell secretary acknowledges 2 pledges."
    assert step.moves[1].startswith("4 members have not handed in the pledge: Nguyễn Văn Bình, ")


@pytest.mark.parametrize("extra", [0, 120])
def test_the_checklist_costs_a_fixed_number_of_queries(db, extra):
    w = build_world(extra_members=extra)
    for member in w.crowd[::2]:
        Pledge.objects.create(member=member, year=2026, state=Pledge.State.SUBMITTED)
    Subject.objects.filter(season=w.season, member__in=w.crowd[::3]).update(state=S.SUBMITTED)
    unit = SeasonUnit.objects.get(season=w.season, code="CB2")
    season = type(w.season).objects.get(pk=w.season.pk)
    with CaptureQueriesContext(connection) as queries:
        result = _cell_checklist(season, unit)
    assert len(queries) <= 12
    assert len(queries) == 3  # subjects, pledges, the rule set
    assert next(s for s in result.steps if s.key == "others").total == 3 + extra
