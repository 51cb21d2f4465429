"""Properties of the QĐ 366 level logic (reviews/regimes/qd366/), over every standing hypothesis
can make: the level never exceeds the band of the points (R366-RATE-1); losing a condition never
raises the level (R366-RATE-2); a KHTNV case always gives KHTNV (R366-RATE-4, R366-RATE-5,
R366-RATE-6); the gap is only where no condition set holds (R366-RATE-3). More properties:
test_qd366_band_properties.py."""

import dataclasses
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from reviews.defaults import rule_set_data
from reviews.regimes.qd366.levels import Standing, outcome
from reviews.scoring import Tasks

DATA = rule_set_data("qd366-hd43-2025.json")
SCORING = DATA["scoring"]
CODES = [level["code"] for level in DATA["levels"]]
PROFILES = list(SCORING["profiles"])


def rank(level):
    return CODES.index(level)


tasks = st.builds(
    Tasks,
    on_time=st.integers(0, 12),
    exceeded=st.integers(0, 12),
    late=st.integers(0, 6),
    not_done=st.integers(0, 6),
)
standings = st.builds(
    Standing,
    profile=st.sampled_from(PROFILES),
    points=st.decimals(min_value=0, max_value=100, places=1),
    tasks=tasks,
    remedied=st.booleans(),
    clean=st.booleans(),
    units_led=st.booleans(),
    cases=st.just(()),
)


def level_rank(standing):
    """The rank of the highest level the standing allows; in the gap (R366-RATE-3) that is HTNV,
    which the deciding level may choose with a reason."""
    result = outcome(standing, SCORING, CODES)
    return rank(CODES[-2]) if result.gap else rank(result.level)


@given(standings)
def test_r366_rate_1_the_level_never_exceeds_the_band_of_the_points(standing):
    result = outcome(standing, SCORING, CODES)
    assert result.band is not None
    if result.level is not None:
        assert rank(result.level) >= rank(result.band)
    if standing.points < SCORING["bands"]["HTNV"]:
        assert result.level == "KHTNV"


@given(standings, st.sampled_from(["remedied", "clean", "units_led"]))
def test_r366_rate_2_losing_a_condition_never_raises_the_level(standing, condition):
    worse = dataclasses.replace(standing, **{condition: False})
    assert level_rank(worse) >= level_rank(standing)


@given(standings, st.sampled_from(["exceeded_to_on_time", "on_time_to_late", "late_to_not_done"]))
def test_r366_rate_2_a_task_ending_worse_never_raises_the_level(standing, change):
    t = standing.tasks
    moved = {
        "exceeded_to_on_time": dataclasses.replace(
            t, exceeded=max(t.exceeded - 1, 0), on_time=t.on_time + min(t.exceeded, 1)
        ),
        "on_time_to_late": dataclasses.replace(
            t, on_time=max(t.on_time - 1, 0), late=t.late + min(t.on_time, 1)
        ),
        "late_to_not_done": dataclasses.replace(
            t, late=max(t.late - 1, 0), not_done=t.not_done + min(t.late, 1)
        ),
    }[change]
    assert level_rank(dataclasses.replace(standing, tasks=moved)) >= level_rank(standing)


@given(standings, st.decimals(min_value=0, max_value=10, places=1))
def test_r366_rate_1_fewer_points_never_raise_the_level(standing, less):
    lower = dataclasses.replace(standing, points=max(standing.points - less, Decimal(0)))
    assert level_rank(lower) >= level_rank(standing)


@given(standings, st.data())
def test_r366_rate_6_a_khtnv_case_always_gives_khtnv(standing, data):
    """R366-RATE-4 (TT), R366-RATE-5 (LĐ, LĐ-TW), R366-RATE-6 (KLĐ, NHT): any case of the profile."""
    cases = SCORING["profiles"][standing.profile]["cases"]
    code = data.draw(st.sampled_from([c["code"] for c in cases]))
    assert outcome(dataclasses.replace(standing, cases=(code,)), SCORING, CODES).level == "KHTNV"


@given(standings)
def test_r366_rate_3_the_gap_is_only_where_no_level_s_conditions_hold(standing):
    result = outcome(standing, SCORING, CODES)
    if result.gap:
        assert standing.points >= SCORING["bands"]["HTNV"]
        assert all(result.unmet[code] for code in CODES[rank(result.band) : -1])
