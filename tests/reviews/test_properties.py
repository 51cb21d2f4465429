"""Property tests: no sequence of decisions breaks the quota (R-RATE-2) or the order of rating
(R-ORDER-5/6/7), and the level the grades allow (R-RATE-1) behaves as the regulation says.

The database tests build the season once per test function and run each Hypothesis example in a
savepoint that is rolled back, so examples do not see each other's decisions.
"""

import datetime
import json
import math
from pathlib import Path

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import reviews
from members.models import CommitteeSeat
from reviews import workflow
from reviews.models import Decision, Event, RuleSet, Subject
from reviews.regimes.qd124.grades import highest_level_for_grades
from reviews.rules import form_items
from tests.reviews.conftest import REFERENCE, build_world, open_season_124
from tests.reviews.helpers import MEETING_DAY, fresh, give_pledge

S = Subject.State
LEVELS = ["HTXSNV", "HTTNV", "HTNV", "KHTNV"]
GRADES = ["xuat_sac", "tot", "trung_binh", "kem"]
DB_SETTINGS = settings(
    max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


# -- driving the workflow (as in test_rating_rules.py) --------------------------------------------


def fill(subject: Subject, actor, level: str = "HTTNV") -> Subject:
    """Every criterion at Xuất sắc (so any level is consistent with the grades), then submit."""
    subject = fresh(subject)
    answers = {}
    for item in form_items(subject.season.rule_set.template(subject.form_code)):
        value = {}
        if item["type"] in ("text", "graded_text", "remediation"):
            value["text"] = f"Nội dung mục {item['key']}"
        if item.get("criterion"):
            value["grade"] = "xuat_sac"
        if item["type"] == "self_rating":
            if item.get("only_for") == "civil_servant" and not subject.is_civil_servant:
                continue
            value["level"] = level
        if item["type"] == "pledge":
            for pledge_item in give_pledge(subject.member, subject.season.year).items.all():
                answers[f"pledge:{pledge_item.pk}"] = {"fulfilment": "Đã thực hiện", "assessment": "done"}
            continue
        if value:
            answers[item["key"]] = value
    form = workflow.get_form(subject)
    form.answers = answers
    form.save(update_fields=["answers"])
    return workflow.submit_form(subject=subject, actor=actor)


def review(collective: Subject, actor, members=()) -> None:
    fill(collective, actor)
    for member in members:
        fill(member, actor)
    workflow.record_meeting(
        collective=fresh(collective),
        actor=actor,
        meeting=workflow.MeetingInput(
            held_on=MEETING_DAY,
            present=5,
            total=6,
            draft_circulated_on=MEETING_DAY - datetime.timedelta(days=7),
        ),
        entries=[workflow.EntryInput(subject=fresh(m)) for m in members],
    )


def members_of(w, cell) -> list[Subject]:
    return list(Subject.objects.filter(season=w.season, unit__organization=cell, kind=Subject.Kind.MEMBER))


def decide(actor, subjects: list[Subject], levels: dict | None = None, reason: str = ""):
    return workflow.decide(
        decisions=[
            workflow.DecisionInput(subject=fresh(s), level=(levels or {}).get(s.pk, "")) for s in subjects
        ],
        actor=actor,
        reason=reason,
    )


def in_a_savepoint(example):
    """Run one example and roll its changes back."""
    with transaction.atomic():
        example()
        transaction.set_rollback(True)


# == R-RATE-2: no sequence of decisions breaks the quota ============================================


def quota_allows(levels: list[str], quota: dict) -> bool:
    """R-RATE-2, written from the regulation: HTXSNV ≤ 20 % × HTTNV, rounded down."""
    limit = math.floor(levels.count(quota["base_level"]) * quota["percent"] / 100)
    return levels.count(quota["capped_level"]) <= limit


@pytest.fixture
def quota_season(db):
    """CB1 and CB2 decided HTTNV; their 10 members reviewed, every criterion Xuất sắc."""
    w = build_world()
    cells = [w.subject(unit=w.cell1), w.subject(unit=w.cell2)]
    review(cells[0], w.base_staff, members_of(w, w.cell1))
    review(cells[1], w.base_staff, members_of(w, w.cell2))
    workflow.propose(
        proposals=[workflow.ProposalInput(subject=fresh(c), level="HTTNV") for c in cells], actor=w.base_staff
    )
    decide(w.base_staff, cells)
    w.members = sorted(members_of(w, w.cell1) + members_of(w, w.cell2), key=lambda s: s.pk)
    return w


@DB_SETTINGS
@given(
    # HTTNV is the common level; drawn 6 times in 9, so HTXSNV sometimes fits under the quota.
    levels=st.lists(st.sampled_from(["HTTNV"] * 6 + ["HTXSNV", "HTNV", "KHTNV"]), min_size=10, max_size=10),
    batch_of=st.lists(st.integers(0, 3), min_size=10, max_size=10),
)
def test_r_rate_2_no_sequence_of_decisions_breaks_the_quota(quota_season, levels, batch_of):
    """R-RATE-2: members with random levels decided in random batches: a batch is accepted exactly
    when every quota group stays within HTXSNV ≤ floor(20 % × HTTNV); after every accepted batch
    the decided levels respect it in each group; a refused batch leaves nothing decided."""
    w = quota_season
    quota = w.season.rule_set.quota
    level_of = {s.pk: level for s, level in zip(w.members, levels, strict=True)}
    group_of = {s.pk: s.quota_key for s in w.members}
    assert len(set(group_of.values())) == 2  # leaders and other members (the default grouping)

    def example():
        workflow.propose(
            proposals=[workflow.ProposalInput(subject=fresh(s), level=level_of[s.pk]) for s in w.members],
            actor=w.base_staff,
        )
        decided: dict[int, str] = {}
        for batch_number in range(4):
            batch = [s for s, b in zip(w.members, batch_of, strict=True) if b == batch_number]
            if not batch:
                continue
            after = {**decided, **{s.pk: level_of[s.pk] for s in batch}}
            expected = all(
                quota_allows([lv for pk, lv in after.items() if group_of[pk] == group], quota)
                for group in {group_of[s.pk] for s in batch}
            )
            try:
                # A reason, so that the head rated above CB1 (R-RATE-8, a warning) is not what refuses.
                decide(w.base_staff, batch, reason="Theo đề nghị của chi bộ")
            except workflow.WorkflowError as refused:
                event("a batch refused over the quota")
                assert not expected, refused.reasons
                assert all(reason.rule == "R-RATE-2" for reason in refused.reasons), refused.reasons
                assert all(fresh(s).state == S.PROPOSED for s in batch)
                assert not Decision.objects.filter(subject__in=batch).exists()
            else:
                event("a batch accepted" + (" with HTXSNV" if "HTXSNV" in after.values() else ""))
                assert expected, [level_of[s.pk] for s in batch]
                decided = after
            on_record = Subject.objects.filter(pk__in=level_of, state=S.DECIDED)
            assert dict(on_record.values_list("pk", "decided_level")) == decided
            rows = list(on_record.values_list("quota_key", "decided_level"))
            for group in set(group_of.values()):
                assert quota_allows([lv for key, lv in rows if key == group], quota)

    in_a_savepoint(example)


# == R-ORDER-5/6/7: no sequence of decisions breaks the order of rating ==============================


@pytest.fixture
def order_season(db):
    """Every subject proposed HTTNV. CB1's head is also the secretary of the base committee CS1, so
    R-ORDER-7 (unit before its head) binds beyond R-ORDER-6 (cell before its members)."""
    w = build_world(open_now=False)
    CommitteeSeat.objects.create(
        member=w.head, organization=w.base, position=0, starts_on=datetime.date(2020, 1, 1)
    )
    w.season = open_season_124(top_organization=w.province, year=2026, reference_date=REFERENCE)
    cell1, cell2 = w.subject(unit=w.cell1), w.subject(unit=w.cell2)
    base, base_cell, commune = w.subject(unit=w.base), w.subject(unit=w.base_cell), w.subject(unit=w.commune)
    review(cell1, w.base_staff, members_of(w, w.cell1))
    review(cell2, w.base_staff, members_of(w, w.cell2))
    review(base_cell, w.commune_staff, members_of(w, w.base_cell))
    review(base, w.commune_staff)
    review(commune, w.commune_staff)

    def propose(actor, subjects):
        workflow.propose(
            proposals=[workflow.ProposalInput(subject=fresh(s), level="HTTNV") for s in subjects], actor=actor
        )

    propose(w.base_staff, [cell1, cell2, *members_of(w, w.cell1), *members_of(w, w.cell2)])
    propose(w.base_cell_secretary, members_of(w, w.base_cell))
    propose(w.commune_staff, [base, base_cell])
    propose(w.board, [commune])
    # Who decides what (R-STEP-2), and what must be decided first (R-ORDER-5/6/7).
    w.actor_at = {
        w.base.pk: w.base_staff,
        w.commune.pk: w.commune_staff,
        w.base_cell.pk: w.base_cell_secretary,
        w.province.pk: w.board,
    }
    subjects = [cell1, cell2, base, base_cell, commune]
    subjects += members_of(w, w.cell1) + members_of(w, w.cell2) + members_of(w, w.base_cell)
    w.subjects = sorted((fresh(s) for s in subjects), key=lambda s: s.pk)
    w.by_decider = {}
    for s in w.subjects:
        w.by_decider.setdefault(s.decider.organization_id, []).append(s)
    w.needs = {
        cell1.pk: set(),
        cell2.pk: set(),
        base_cell.pk: set(),
        base.pk: {cell1.pk, cell2.pk},  # R-ORDER-5
        commune.pk: {base.pk, base_cell.pk},  # R-ORDER-5
    }
    for cell, members in ((cell1, w.cell1), (cell2, w.cell2), (base_cell, w.base_cell)):
        for m in members_of(w, members):
            w.needs[m.pk] = {cell.pk}  # R-ORDER-6
    w.needs[w.subject(member=w.head).pk] |= {base.pk}  # R-ORDER-7: the head of CS1 after CS1
    return w


def batch_order(s: Subject):
    """How the engine orders one batch: collectives first, the deeper first."""
    return (s.is_member, -len(s.path))


@DB_SETTINGS
@given(data=st.data())
def test_r_order_no_sequence_of_decisions_breaks_the_order_of_rating(order_season, data):
    """R-ORDER-5/6/7: the competent levels try to decide cells, members, base organizations and the
    commune in random order, one to three subjects at a time, in passes until all are decided: an
    attempt is accepted exactly when what must come first is decided (before, or earlier in the
    same batch), and every decision on record came after those it depends on (Decision ids and
    event sequence numbers)."""
    w = order_season

    def attempts(order: list[Subject], sizes: list[int]):
        """Consecutive subjects with the same decider, up to the drawn size, form one batch."""
        batch: list[Subject] = []
        for subject in order:
            if batch and (
                subject.decider_id != batch[0].decider_id or len(batch) >= sizes[len(batch) % len(sizes)]
            ):
                yield batch
                batch = []
            batch.append(subject)
        if batch:
            yield batch

    def example():
        decided: set[int] = set()
        passes = 0
        while passes < 4 and (remaining := [s for s in w.subjects if s.pk not in decided]):
            passes += 1
            order = data.draw(st.permutations(remaining))
            sizes = data.draw(st.lists(st.integers(1, 3), min_size=1, max_size=5))
            for batch in attempts(order, sizes):
                done, expected = set(decided), True
                for subject in sorted(batch, key=batch_order):
                    expected &= w.needs[subject.pk] <= done
                    done.add(subject.pk)
                try:
                    decide(w.actor_at[batch[0].decider.organization_id], batch)
                except workflow.WorkflowError as refused:
                    event("an attempt refused")
                    assert not expected, refused.reasons
                    assert all(reason.rule.startswith("R-ORDER") for reason in refused.reasons), (
                        refused.reasons
                    )
                    assert not Decision.objects.filter(subject__in=batch).exists()
                else:
                    event("an attempt accepted")
                    assert expected, [s.name for s in batch]
                    decided |= {s.pk for s in batch}
        event(f"all decided in {passes} passes" if len(decided) == len(w.subjects) else "not all decided")
        decisions = {d.subject_id: d for d in Decision.objects.filter(subject__season=w.season)}
        assert set(decisions) == decided
        events = dict(Event.objects.filter(season=w.season, action="decide").values_list("subject_id", "seq"))
        for subject_id, decision in decisions.items():
            for before in w.needs[subject_id]:
                assert before in decisions, (subject_id, before)
                assert decisions[before].pk < decision.pk
                assert events[before] < events[subject_id]

    in_a_savepoint(example)


# == R-RATE-1: the highest level the grades allow ====================================================


def default_rule_set() -> RuleSet:
    """The default rule set, read from its data file (no database needed)."""
    path = Path(reviews.__file__).resolve().parent / "rulesets" / "qd124-hd25-2023.json"
    return RuleSet(**json.loads(path.read_text(encoding="utf-8")))


RULES = default_rule_set()


def criteria(form_code: str) -> tuple[list[str], set[str]]:
    items = [i for i in form_items(RULES.template(form_code)) if i.get("criterion")]
    return [i["criterion"] for i in items], {i["criterion"] for i in items if i.get("task_results")}


@st.composite
def graded_form(draw):
    form_code = draw(st.sampled_from(sorted(RULES.form_templates)))
    names, _tasks = criteria(form_code)
    grades = {name: draw(st.sampled_from(GRADES)) for name in names}
    return form_code, grades


def regulation_level(grades: dict, tasks: set) -> str:
    """R-RATE-1 as the regulation words it, independently of the engine's tables."""
    rank = GRADES.index
    worst = max(rank(g) for g in grades.values())
    worst_task = max(rank(grades[t]) for t in tasks)
    if worst <= rank("tot") and worst_task <= rank("xuat_sac"):
        return "HTXSNV"
    if worst <= rank("trung_binh") and worst_task <= rank("tot"):
        return "HTTNV"
    if worst <= rank("trung_binh"):
        return "HTNV"
    return "KHTNV"


@settings(max_examples=300, deadline=None, database=None)
@given(form=graded_form(), data=st.data())
def test_r_rate_1_raising_a_grade_never_lowers_the_level_allowed(form, data):
    """R-RATE-1 is monotonic: raising any one criterion's grade never lowers the highest level."""
    form_code, grades = form
    template = RULES.template(form_code)
    criterion = data.draw(st.sampled_from(sorted(grades)))
    better = data.draw(st.sampled_from(GRADES[: GRADES.index(grades[criterion]) + 1]))
    before = highest_level_for_grades(grades, template, RULES)
    after = highest_level_for_grades({**grades, criterion: better}, template, RULES)
    assert LEVELS.index(after) <= LEVELS.index(before)


@settings(max_examples=300, deadline=None, database=None)
@given(form=graded_form())
def test_r_rate_1_the_level_allowed_follows_the_regulation(form):
    """R-RATE-1: any criterion at Kém allows only KHTNV; otherwise the level is the regulation's:
    HTXSNV (all Tốt+, task results Xuất sắc), HTTNV (all Trung bình+, task results Tốt+), HTNV."""
    form_code, grades = form
    _names, tasks = criteria(form_code)
    level = highest_level_for_grades(grades, RULES.template(form_code), RULES)
    assert (level == "KHTNV") == ("kem" in grades.values())
    assert level == regulation_level(grades, tasks)


@settings(max_examples=100, deadline=None, database=None)
@given(form=graded_form(), data=st.data())
def test_r_rate_1_no_level_while_a_grade_is_missing(form, data):
    """R-RATE-1: with a criterion not graded, no level can be checked (None)."""
    form_code, grades = form
    missing = data.draw(st.sampled_from(sorted(grades)))
    assert highest_level_for_grades({**grades, missing: ""}, RULES.template(form_code), RULES) is None
