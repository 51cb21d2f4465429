"""The season's kept figures (reviews/kept_figures.py): after any sequence of steps, whatever wrote
the subjects, the rows the triggers kept equal the rows a rebuild counts from scratch; a closed
season's figures are frozen."""

import datetime
from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import transaction
from django.db.models import ProtectedError
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from reviews import kept_figures, workflow
from reviews.models import SeasonFigure, Subject, UnitTally
from reviews.models.figures import KEY_FIELDS
from reviews.rerating import rerate
from reviews.services import import_decided_results, submit_remediation_plan
from tests.reviews.conftest import build_world, open_season_124
from tests.reviews.helpers import complete_form, fresh, propose, review
from tests.reviews.views.test_dashboard_pages import rate_cell1

pytestmark = pytest.mark.django_db
S = Subject.State
LEVELS = ["HTXSNV", "HTTNV", "HTNV", "KHTNV"]


def kept(season) -> tuple[list[tuple], list[tuple]]:
    """The season's kept rows that count something, and its units' tallies that do
    (reviews/kept_tallies.py), in a stable order."""
    figures = sorted(
        SeasonFigure.objects.filter(season=season)
        .exclude(n=0, scored=0, points=0)
        .values_list(
            "unit_id",
            *KEY_FIELDS,
            "n",
            "points",
            "scored",
        )
    )
    tallies = sorted(
        (unit_id, sorted(counts.items()), points, scored)
        for unit_id, counts, points, scored in UnitTally.objects.filter(season=season).values_list(
            "unit_id", "counts", "points", "scored"
        )
        if counts or points or scored
    )
    return figures, tallies


def figures_added_up(season) -> list[tuple]:
    """What each unit's tally must hold, added up here from the season's kept figures: counts by
    kind, state, level and reason not rated; the decided points of members and how many."""
    counts, points, scored = defaultdict(lambda: defaultdict(int)), defaultdict(Decimal), defaultdict(int)
    for unit_id, kind, state, level, out, n, p, k in SeasonFigure.objects.filter(season=season).values_list(
        "unit_id", "kind", "state", "level", "out_of_scope", "n", "points", "scored"
    ):
        counts[unit_id][f"{kind}|{state}|{level}|{out}"] += n
        if kind == "member":
            points[unit_id] += p
            scored[unit_id] += k
    found = []
    for unit_id in counts.keys() | points.keys():
        nonzero = sorted((key, n) for key, n in counts[unit_id].items() if n)
        if nonzero or points[unit_id] or scored[unit_id]:
            found.append((unit_id, nonzero, points[unit_id], scored[unit_id]))
    return sorted(found)


def _members(w, states):
    return [
        fresh(s) for s in Subject.objects.filter(season=w.season, member__in=w.members1, state__in=states)
    ]


def _pick(subjects, index):
    return subjects[index % len(subjects)] if subjects else None


# Each step drives the season the way a page or a tool does; a refused step changes nothing.


def submit(w, i):
    for subject in _members(w, [S.DRAFT, S.RETURNED])[: 1 + i % 4]:
        complete_form(subject, w.secretary)


def return_form(w, i):
    subject = _pick(_members(w, [S.SUBMITTED]), i)
    if subject:
        workflow.return_form(subject=subject, actor=w.secretary, reason="Viết lại phần ưu điểm")


def meeting(w, i):
    submitted = _members(w, [S.SUBMITTED])
    absent = submitted[-1:] if i % 2 and len(submitted) > 1 else []
    collective = w.subject(unit=w.cell1)
    if collective.state in (S.DRAFT, S.RETURNED):
        complete_form(collective, w.secretary)
    review(fresh(collective), w.secretary, [s for s in submitted if s not in absent], absent)


def propose_level(w, i):
    collective = w.subject(unit=w.cell1)
    if collective.state == S.REVIEWED:
        propose([collective], w.base_staff)
    subjects = _members(w, [S.REVIEWED])
    if subjects:
        propose(subjects[: 1 + i % len(subjects)], w.secretary, level=LEVELS[i % len(LEVELS)])


def return_proposal(w, i):
    subject = _pick(_members(w, [S.PROPOSED]), i)
    if subject:
        workflow.return_proposal(subject=subject, actor=w.base_staff, reason="Chưa đủ căn cứ")


def decide(w, i):
    collective = w.subject(unit=w.cell1)
    if collective.state == S.PROPOSED:  # the cell is decided before its members
        workflow.decide(decisions=[workflow.DecisionInput(subject=collective)], actor=w.base_staff)
    subjects = _members(w, [S.PROPOSED])
    if subjects:
        workflow.decide(decisions=[workflow.DecisionInput(subject=s) for s in subjects], actor=w.base_staff)


def reopen(w, i):
    subject = _pick(_members(w, [S.DECIDED]), i)
    if subject:
        workflow.reopen(subject=subject, actor=w.base_staff, reason="Xem xét lại")


def cancel(w, i):
    subject = _pick(_members(w, [S.DECIDED]), i)
    if subject:
        workflow.cancel(subject=subject, actor=w.commune_staff, reason="Hủy kết quả")


def rerate_level(w, i):
    subject = _pick(_members(w, [S.DECIDED]), i)
    if subject:
        rerate(subject=subject, actor=w.commune_staff, level="KHTNV", reason="Xếp loại lại")


def plan(w, i):
    subject = _pick(list(Subject.objects.filter(season=w.season).order_by("pk")), i)
    submit_remediation_plan(subject=subject, actor=w.board, items=[{"text": "Khắc phục"}])


def bulk_update(w, i):
    """What an admin or a set-based batch does: flags, points and conditions, out of scope."""
    subjects = list(Subject.objects.filter(season=w.season).order_by("pk"))
    chosen = subjects[i % len(subjects) :: 3]
    for n, s in enumerate(chosen):
        s.flags = {**s.flags, "second_khtnv": bool((i + n) % 2)}
        s.scores = {**s.scores, "gap": bool(n % 2), "blocked_by": ["on_time", "late"][: (i + n) % 3]}
        s.decided_points = Decimal(40 + (i * 7 + n * 13) % 61) if (i + n) % 4 else None
    Subject.objects.bulk_update(chosen, ["flags", "scores", "decided_points"])
    Subject.objects.filter(pk=subjects[(i * 5) % len(subjects)].pk).update(
        out_of_scope=["", "exempt", "suspended"][i % 3]
    )


def delete(w, i):
    subject = _pick(list(Subject.objects.filter(season=w.season, kind="member").order_by("pk")), i)
    subject.delete()


def snapshot_and_import(w, i):
    """Open the year before on the tree as it stands (a snapshot), import its results."""
    earlier = open_season_124(
        top_organization=w.province, year=2025 - i % 3, reference_date=datetime.date(2025 - i % 3, 11, 15)
    )
    members = earlier.subjects.filter(kind="member").values_list("member_id", flat=True)
    import_decided_results(
        season=earlier, levels={m: LEVELS[m % 4] for m in members}, actor=w.board, source="Sổ cũ"
    )
    w.seasons.append(earlier)


STEPS = [
    submit,
    return_form,
    meeting,
    propose_level,
    return_proposal,
    decide,
    reopen,
    cancel,
    rerate_level,
    plan,
    bulk_update,
    delete,
    snapshot_and_import,
]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    decided_first=st.booleans(),
    steps=st.lists(st.tuples(st.sampled_from(STEPS), st.integers(0, 50)), min_size=1, max_size=25),
)
@example(  # every step at least once, in the order of the work
    decided_first=False,
    steps=[
        (submit, 3),
        (return_form, 0),
        (submit, 3),
        (submit, 3),
        (meeting, 1),
        (propose_level, 1),
        (return_proposal, 0),
        (propose_level, 2),
        (decide, 0),
        (reopen, 0),
        (propose_level, 0),
        (decide, 0),
        (cancel, 1),
        (rerate_level, 0),
        (plan, 4),
        (bulk_update, 1),
        (delete, 2),
        (snapshot_and_import, 0),
    ],
)
def test_rebuild_equals_what_the_triggers_kept_after_any_steps(db, decided_first, steps):
    with transaction.atomic():
        w = build_world()
        w.seasons = [w.season]
        if decided_first:  # so that reopening, cancelling and re-rating have results to act on
            rate_cell1(w)
        for step, i in steps:
            try:
                with transaction.atomic():
                    step(w, i)
            except (workflow.WorkflowError, PermissionDenied, ValidationError, ProtectedError):
                pass
        maintained = {season.pk: kept(season) for season in w.seasons}
        for season in w.seasons:
            kept_figures.rebuild(season)
        assert {season.pk: kept(season) for season in w.seasons} == maintained
        assert all(maintained[w.season.pk])
        assert {pk: tallies for pk, (_, tallies) in maintained.items()} == {
            season.pk: figures_added_up(season) for season in w.seasons
        }
        transaction.set_rollback(True)


def test_the_figures_of_a_closed_season_are_frozen(db):
    w = build_world()
    complete_form(w.subject(member=w.head), w.secretary)
    closing = kept(w.season)
    w.season.status = "closed"
    w.season.save(update_fields=["status"])
    Subject.objects.filter(season=w.season, member=w.head).update(state=S.DRAFT, out_of_scope="exempt")
    assert kept(w.season) == closing
    with pytest.raises(ValueError):
        kept_figures.rebuild(w.season)
    call_command("rebuild_figures")  # every open season; the closed one is left as it closed
    assert kept(w.season) == closing


def test_the_command_recounts_a_season_whose_figures_were_lost(db):
    w = build_world()
    complete_form(w.subject(member=w.head), w.secretary)
    expected = kept(w.season)
    SeasonFigure.objects.filter(season=w.season).delete()
    UnitTally.objects.filter(season=w.season).delete()
    call_command("rebuild_figures", season=w.season.pk)
    assert kept(w.season) == expected


def test_the_opening_counts_the_season_once_and_the_triggers_resume_after(db):
    """The opening writes the whole season inside `counted_once`: its figures equal a recount, and
    the next write is kept by the triggers again."""
    w = build_world()
    opened = kept(w.season)
    assert opened
    kept_figures.rebuild(w.season)
    assert kept(w.season) == opened
    complete_form(w.subject(member=w.head), w.secretary)
    assert kept(w.season) != opened


def test_inside_counted_once_the_triggers_stand_aside_until_the_count(db):
    w = build_world()
    before = kept(w.season)
    with kept_figures.counted_once(w.season):
        Subject.objects.filter(season=w.season, member__in=w.members1).update(state=S.SUBMITTED)
        assert kept(w.season) == before  # nothing kept statement by statement
    after = kept(w.season)
    assert after != before
    kept_figures.rebuild(w.season)
    assert kept(w.season) == after
