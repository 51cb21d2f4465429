"""More properties of the QĐ 366 band and condition logic (reviews/regimes/qd366/,
reviews/rules.py), beside test_qd366_properties.py: adding points never lowers the band, under the
shipped bands and under any a province configures (R366-RATE-1); the level is exactly the highest
one at or below the band whose conditions hold (R366-RATE-2); tightening a configured condition
never raises the level, and a condition counts only for the profiles it is written for
(R366-RATE-2); the check the workflow runs accepts that level and refuses any above the band
(R366-RATE-1, R366-RATE-3); the quota never allows more than its share, rounding down, and the
raised rate never allows fewer (R366-RATE-10). No database: the rule set is the shipped JSON."""

import dataclasses
import math
from decimal import Decimal

from hypothesis import assume, given
from hypothesis import strategies as st

from reviews.defaults import rule_set_data
from reviews.models import RuleSet
from reviews.regimes.qd366.checks import agreement_problems
from reviews.regimes.qd366.levels import LEADERS, Standing, band, outcome, unmet_conditions
from reviews.rules import group_quota, quota_limit
from reviews.scoring import Tasks

DATA = rule_set_data("qd366-hd43-2025.json")
SCORING = DATA["scoring"]
CODES = [level["code"] for level in DATA["levels"]]
RULES = RuleSet(levels=DATA["levels"], scoring=SCORING, quota=DATA["quota"])
TOP, GOOD, PASSING, LOWEST = CODES

points = st.decimals(min_value=0, max_value=100, places=1)
tasks = st.builds(
    Tasks,
    on_time=st.integers(0, 12),
    exceeded=st.integers(0, 12),
    late=st.integers(0, 6),
    not_done=st.integers(0, 6),
)
standings = st.builds(
    Standing,
    profile=st.sampled_from(list(SCORING["profiles"])),
    points=points,
    tasks=tasks,
    remedied=st.booleans(),
    clean=st.booleans(),
    units_led=st.booleans(),
    cases=st.just(()),
)


@st.composite
def configured_bands(draw) -> dict[str, int]:
    """Bands a province might set: strictly falling thresholds from HTXSNV to HTNV, KHTNV at 0."""
    passing = draw(st.integers(1, 97))
    good = draw(st.integers(passing + 1, 98))
    top = draw(st.integers(good + 1, 100))
    return {TOP: top, GOOD: good, PASSING: passing, LOWEST: 0}


def rank(code: str) -> int:
    return CODES.index(code)


@given(points, points)
def test_r366_rate_1_adding_points_never_lowers_the_band(a, b):
    low, high = sorted((a, b))
    assert rank(band(high, SCORING["bands"], CODES)) <= rank(band(low, SCORING["bands"], CODES))


@given(configured_bands(), points, points)
def test_r366_rate_1_adding_points_never_lowers_a_configured_band(bands, a, b):
    low, high = sorted((a, b))
    assert rank(band(high, bands, CODES)) <= rank(band(low, bands, CODES))


@given(configured_bands(), st.sampled_from(CODES[:-1]))
def test_r366_rate_1_a_threshold_belongs_to_its_band_and_a_tenth_below_to_the_next(bands, code):
    threshold = Decimal(bands[code])
    assert band(threshold, bands, CODES) == code
    assert band(threshold - Decimal("0.1"), bands, CODES) == CODES[rank(code) + 1]


def test_r366_rate_1_the_shipped_bands_are_90_70_50():
    assert [
        band(Decimal(p), SCORING["bands"], CODES) for p in ("90", "89.9", "70", "69.9", "50", "49.9")
    ] == [
        TOP,
        GOOD,
        GOOD,
        PASSING,
        PASSING,
        LOWEST,
    ]


@given(standings)
def test_r366_rate_2_the_level_is_the_highest_at_or_below_the_band_whose_conditions_hold(standing):
    result = outcome(standing, SCORING, CODES)
    holding = [
        code
        for code in CODES[rank(result.band) : -1]
        if not unmet_conditions(code, standing, SCORING["conditions"], CODES)
    ]
    if result.band == LOWEST:
        assert result.level == LOWEST
    elif holding:
        assert result.level == holding[0]
    else:
        assert result.gap and result.level is None


@given(
    standings,
    st.sampled_from(["excellent_exceeded_percent", "on_time_percent", "late_max_percent"]),
    st.integers(1, 50),
)
def test_r366_rate_2_a_stricter_condition_never_raises_the_level(standing, name, step):
    conditions = SCORING["conditions"]
    stricter = conditions[name] - step if name == "late_max_percent" else conditions[name] + step
    strict = {**SCORING, "conditions": {**conditions, name: stricter}}

    def level_rank(scoring):
        result = outcome(standing, scoring, CODES)
        return rank(PASSING) if result.gap else rank(result.level)

    assert level_rank(strict) >= level_rank(SCORING)


@given(standings, st.sampled_from(["clean", "units_led"]))
def test_r366_rate_2_a_condition_counts_only_for_the_profiles_it_is_written_for(standing, condition):
    """`clean` is the collective's condition, `units_led` the leaders'; for any other profile
    neither changes the level."""
    applies = standing.profile == "TT" if condition == "clean" else standing.profile in LEADERS
    assume(not applies)
    flipped = dataclasses.replace(standing, **{condition: not getattr(standing, condition)})
    assert outcome(flipped, SCORING, CODES) == outcome(standing, SCORING, CODES)


@given(standings)
def test_r366_rate_1_the_check_accepts_the_level_given_and_refuses_any_above_the_band(standing):
    result = outcome(standing, SCORING, CODES)
    if result.gap:  # R366-RATE-3: HTNV or KHTNV, chosen with a reason; nothing higher
        assert agreement_problems(PASSING, standing, result, RULES) == []
        assert agreement_problems(LOWEST, standing, result, RULES) == []
        assert agreement_problems(GOOD, standing, result, RULES)
    else:
        assert agreement_problems(result.level, standing, result, RULES) == []
    for above in CODES[: rank(result.band)]:
        assert agreement_problems(above, standing, result, RULES)


@given(st.integers(0, 500))
def test_r366_rate_10_the_quota_is_20_percent_of_httnv_rounded_down(httnv):
    limit = quota_limit(httnv, RULES.quota)
    assert limit == math.floor(httnv * 20 / 100)
    assert limit * 100 <= 20 * httnv < (limit + 1) * 100


@st.composite
def raised_groups(draw):
    return type("Group", (), {"raised_percent": draw(st.integers(21, 25))})()


@given(st.integers(0, 500), st.integers(0, 500), raised_groups())
def test_r366_rate_10_more_httnv_or_a_raised_rate_never_allow_fewer(a, b, group):
    low, high = sorted((a, b))
    quota = RULES.quota
    assert quota_limit(low, quota) <= quota_limit(high, quota)
    raised = group_quota(quota, group)
    assert quota_limit(high, quota) <= quota_limit(high, raised) <= math.floor(high * 25 / 100)
    assert group_quota(quota, None) == quota
