"""A batch decision costs the same number of queries for 20 subjects as for 200: the guards read
one Facts for the batch, and the writes are set-based (the decisions, one update of the subjects,
one append to the season's hash chain) — and the chain still names a single altered event."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reviews import workflow
from reviews.audit import verify_chain
from reviews.models import Decision, Event, Subject
from tests.reviews.test_qd366 import world366

pytestmark = pytest.mark.django_db
S = Subject.State


def scored_proposals(w, count):
    """`count` members of CB2 straight into "proposed" HTTNV with 87 points (the steps before the
    decision are not what is measured here)."""
    chosen = list(
        Subject.objects.filter(season=w.season, unit__organization=w.cell2, kind="member")
        .exclude(state=S.DECIDED)
        .order_by("pk")
        .values_list("pk", flat=True)[:count]
    )
    scores = {
        "self": {"general": "27", "tasks": "60"},
        "proposed": {"general": "27", "tasks": "60"},
        "tasks": {"on_time": 8, "exceeded": 2, "late": 0, "not_done": 0},
    }
    Subject.objects.filter(pk__in=chosen).update(
        state=S.PROPOSED,
        self_level="HTTNV",
        proposed_level="HTTNV",
        self_points=87,
        proposed_points=87,
        scores=scores,
    )
    return list(
        Subject.objects.select_related("season__rule_set", "unit", "decider", "member").filter(pk__in=chosen)
    )


def decide_counting(subjects, actor) -> int:
    with CaptureQueriesContext(connection) as queries:
        workflow.decide(decisions=[workflow.DecisionInput(subject=s) for s in subjects], actor=actor)
    return len(queries)


def test_a_batch_of_200_scored_members_costs_the_queries_of_20():
    w = world366(extra_members=217)  # CB2: 3 + 217 = 220 members
    small = decide_counting(scored_proposals(w, 20), w.base_staff)
    big = decide_counting([s for s in scored_proposals(w, 203) if s.state == S.PROPOSED][:200], w.base_staff)
    # The first batch also fills the per-request caches (the user's scope, the rule set).
    assert big <= small <= 25, (small, big)
    decided = Subject.objects.filter(season=w.season, state=S.DECIDED, kind="member")
    assert decided.count() == 220 and set(decided.values_list("decided_points", flat=True)) == {
        Decimal("87.0")
    }
    assert Decision.objects.filter(subject__in=decided, points=Decimal("87.0")).count() == 220
    assert Event.objects.filter(season=w.season, action="decide").count() == 220
    assert verify_chain(w.season) is None


def test_the_chain_still_names_one_altered_event_of_a_batch():
    w = world366(extra_members=30)
    decide_counting(scored_proposals(w, 30), w.base_staff)
    events = list(Event.objects.filter(season=w.season, action="decide").order_by("seq"))
    tampered = events[12]
    Event.objects.filter(pk=tampered.pk).update(reason="sửa trái phép")
    broken = verify_chain(w.season)
    assert broken is not None and broken.seq == tampered.seq
