"""The quarters' kept figures (reviews/quarters/kept.py; issue "Province-scale speed", R366-QTR-5):
after any sequence of quarter steps, whatever wrote the evaluations — the opening's INSERT … SELECT,
the services, a bulk decision, `queryset.update`, a moved path, a deletion — the rows the triggers
kept equal a count of the evaluations under each unit and a rebuild from scratch; a closed season's
are frozen."""

from collections import Counter

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from reviews import kept_figures
from reviews.models import Quarter, QuarterFigure, QuarterlyEvaluation
from reviews.quarters import services
from reviews.quarters.bulk import decide_quarters
from reviews.quarters.setup import save_quarter_setup
from reviews.workflow import WorkflowError
from tests.reviews.test_quarters import quarter_world

pytestmark = pytest.mark.django_db
E = QuarterlyEvaluation.State
LEVELS = ["", "HTXSNV", "HTTNV", "HTNV", "KHTNV"]


def kept(season) -> Counter:
    return Counter(
        {
            (q, unit, state, level): n
            for q, unit, state, level, n in QuarterFigure.objects.filter(quarter__season=season)
            .exclude(n=0)
            .values_list("quarter_id", "unit_id", "state", "level", "n")
        }
    )


def counted(season) -> Counter:
    """The same figures counted from the evaluations: each under its unit and every unit above."""
    units = list(season.units.values_list("pk", "path"))
    found = Counter()
    for q, path, state, level in QuarterlyEvaluation.objects.filter(quarter__season=season).values_list(
        "quarter_id", "path", "state", "decided_level"
    ):
        for pk, unit_path in units:
            if path.startswith(unit_path):
                found[(q, pk, state, level)] += 1
    return found


def _evaluations(w):
    return list(
        QuarterlyEvaluation.objects.filter(quarter__season=w.season)
        .select_related("quarter", "subject__season__rule_set")
        .order_by("pk")
    )


def _pick(w, i):
    rows = _evaluations(w)
    return rows[i % len(rows)] if rows else None


def open_next(w, i):
    services.open_quarter(season=w.season, actor=w.board, number=1 + i % 3)


def self_assess(w, i):
    evaluation = _pick(w, i)
    if evaluation is None:
        return
    actor = w.member_user if evaluation.subject.member_id == w.deputy.pk else w.secretary
    services.save_quarter_draft(
        evaluation=evaluation,
        actor=actor,
        values={
            "planned_tasks": "Sơ kết quý",
            "self_general": "25",
            "self_tasks": "60",
            "self_level": "HTTNV",
        },
    )
    services.submit_quarter_self_assessment(evaluation=_pick(w, i), actor=actor)


def decide(w, i):
    if (evaluation := _pick(w, i)) is not None:
        services.decide_quarter(
            evaluation=evaluation, actor=w.base_staff, general="25", tasks="60", level="HTTNV"
        )


def send_back(w, i):
    if (evaluation := _pick(w, i)) is not None:
        services.return_quarter_evaluation(
            evaluation=evaluation, actor=w.base_staff, reason="Bổ sung minh chứng"
        )


def decide_in_bulk(w, i):
    for quarter in Quarter.objects.filter(season=w.season):
        pks = list(quarter.evaluations.filter(state=E.SUBMITTED).values_list("pk", flat=True))
        if pks:
            decide_quarters(quarter=quarter, actor=w.base_staff, pks=pks)


def raw_update(w, i):
    """Any writer, not only the services: every third evaluation from the i-th set at once."""
    pks = [e.pk for e in _evaluations(w)][i % 3 :: 3]
    QuarterlyEvaluation.objects.filter(pk__in=pks).update(
        state=[E.DRAFT, E.SUBMITTED, E.RETURNED, E.DECIDED][i % 4], decided_level=LEVELS[i % 5]
    )


def move(w, i):
    """A snapshot of the tree moves an evaluation under another unit."""
    if (evaluation := _pick(w, i)) is not None:
        paths = sorted(w.season.units.values_list("path", flat=True))
        QuarterlyEvaluation.objects.filter(pk=evaluation.pk).update(path=paths[i % len(paths)])


def delete(w, i):
    if (evaluation := _pick(w, i)) is not None:
        QuarterlyEvaluation.objects.filter(pk=evaluation.pk).delete()


STEPS = [open_next, self_assess, decide, send_back, decide_in_bulk, raw_update, move, delete]


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.sampled_from(STEPS), st.integers(0, 60)), min_size=1, max_size=20))
@example(
    steps=[
        (open_next, 1),
        (self_assess, 0),
        (self_assess, 1),
        (send_back, 0),
        (self_assess, 2),
        (decide, 1),
        (decide_in_bulk, 0),
        (open_next, 0),
        (raw_update, 7),
        (move, 3),
        (delete, 4),
    ]
)
def test_rebuild_and_a_count_equal_what_the_triggers_kept_after_any_steps(db, steps):
    with transaction.atomic():
        w = quarter_world()
        save_quarter_setup(season=w.season, actor=w.board, profiles=["LD", "KLD", "NHT"])
        services.open_quarter(season=w.season, actor=w.board, number=2)
        for step, i in steps:
            try:
                with transaction.atomic():
                    step(w, i)
            except (WorkflowError, PermissionDenied, ValidationError):
                pass
        maintained = kept(w.season)
        assert maintained and maintained == counted(w.season)
        kept_figures.rebuild(w.season)
        assert kept(w.season) == maintained
        transaction.set_rollback(True)


def test_the_quarter_figures_of_a_closed_season_are_frozen_and_the_command_recounts_lost_ones(db):
    w = quarter_world()
    save_quarter_setup(season=w.season, actor=w.board, profiles=["LD", "KLD", "NHT"])
    quarter = services.open_quarter(season=w.season, actor=w.board, number=2)
    expected = kept(w.season)
    assert expected == counted(w.season)
    QuarterFigure.objects.filter(quarter=quarter).delete()
    call_command("rebuild_figures", season=w.season.pk)
    assert kept(w.season) == expected
    w.season.status = "closed"
    w.season.save(update_fields=["status"])
    quarter.evaluations.update(state=E.DECIDED, decided_level="HTTNV")
    assert kept(w.season) == expected  # frozen as it closed
    call_command("rebuild_figures")
    assert kept(w.season) == expected
    quarter.delete()
    assert not QuarterFigure.objects.filter(quarter_id=quarter.pk).exists()


def test_the_migrations_count_includes_a_closed_seasons_quarters_which_a_recount_leaves_alone(db):
    """Quarters counted for the first time (migration reviews 0021) are counted in a closed season
    too; afterwards the triggers and a rebuild's recount leave a closed season's figures as they are."""
    from django.db import connection

    from reviews.quarters import kept as kept_quarters

    w = quarter_world()
    save_quarter_setup(season=w.season, actor=w.board, profiles=["LD", "KLD", "NHT"])
    services.open_quarter(season=w.season, actor=w.board, number=2)
    expected = counted(w.season)
    w.season.status = "closed"
    w.season.save(update_fields=["status"])
    QuarterFigure.objects.filter(quarter__season=w.season).delete()  # as before the migration
    with connection.cursor() as cursor:
        kept_quarters.recount(cursor, w.season.pk)  # what a rebuild does: nothing for a closed season
        assert not kept(w.season)
        kept_quarters.recount(cursor, w.season.pk, open_only=False)  # the migration's first count
    assert kept(w.season) == expected and expected
