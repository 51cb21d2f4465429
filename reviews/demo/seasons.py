"""The three demo seasons, opened in order: two years back under QĐ 124, last year under QĐ 366
with decided points, and the season under review (reviews/demo/staging.py)."""

import random

from django.db import transaction
from django.utils import timezone

from members.demo_days import DemoDays
from organizations.models import Organization
from reviews.defaults import shipped_rule_set
from reviews.demo.cast import _cast
from reviews.demo.past import _decided_levels, _remediation
from reviews.demo.staging import _stage
from reviews.demo_points import decided_points, demo_criteria
from reviews.quarters.demo import seed_quarters
from reviews.scope import open_season
from reviews.services import import_decided_results


def seed_seasons(*, seed: int, days: DemoDays | None = None) -> dict[str, int]:
    """Create the two demo seasons (the one under review on `days.today`, by default today, and
    the year before it); returns counts for the command's summary."""
    days = days or DemoDays(timezone.localdate())
    rng = random.Random(seed * 7 + 2025)
    cast = _cast()
    top = Organization.objects.get(depth=1, code="DEMO")
    year = days.year
    # Two years back the province still rated under QĐ 124 (opened deliberately under it: the
    # demo's years move with the day it is seeded); since then under QĐ 366, the rule set of the year.
    with transaction.atomic():
        earlier = open_season(
            top_organization=top,
            year=year - 2,
            reference_date=days.reference(year - 2),
            rule_set=shipped_rule_set("qd124-hd25-2023"),
            actor=cast.admin,
        )
        import_decided_results(
            season=earlier,
            levels=_decided_levels(earlier, rng),
            actor=cast.admin,
            source=f"Kết quả xếp loại năm {year - 2} (nhập từ hồ sơ giấy)",
        )
    points_rules = shipped_rule_set("qd366-hd43-2025")
    with transaction.atomic():
        last = open_season(
            top_organization=top,
            year=year - 1,
            reference_date=days.reference(year - 1),
            rule_set=points_rules,
            criteria=demo_criteria(),
            actor=cast.admin,
        )
        levels = _decided_levels(last, rng)
        decided = import_decided_results(
            season=last,
            levels=levels,
            points={pk: decided_points(level, rng) for pk, level in levels.items()},
            actor=cast.admin,
            source=f"Kết quả xếp loại năm {year - 1} (nhập từ hồ sơ giấy)",
        )
        _remediation(last, cast, rng)
    with transaction.atomic():
        this = open_season(
            top_organization=top,
            year=year,
            reference_date=days.reference(year),
            rule_set=points_rules,
            criteria=demo_criteria(),
            deadlines=days.deadlines(),
            actor=cast.admin,
        )
        _stage(this, cast, rng)
        # Issue 14 (R366-QTR-5): Q1 not run; Q2 and Q3 for the leaders the base committee manages.
        seed_quarters(this, board=cast.tinhuy, evaluator=cast.dangu, base_id=cast.base.pk, seed=seed)
    return {"last_year": year - 1, "decided": decided, "year": year, "subjects": this.subjects.count()}
