"""The demo's quarters (issue 14): Q1 of the season's year not run (R366-QTR-5), Q2 and Q3 opened by
the province's board; the leaders the demo's base committee manages self-assess, Q2 all evaluated,
Q3 half evaluated and half waiting for the base committee's login (`dangu`) to evaluate, and
left to write for the leaders with a login of their own (`bithu`). Every step
goes through the services, so the demo's chain holds their events."""

import random

from django.utils import timezone

from reviews.models import QuarterlyEvaluation, Season
from reviews.quarters import services
from reviews.quarters.periods import default_period

# (general /30, tasks /70, level) a demo leader gives or receives; each total is in its level's band.
SCORES = [("27", "64", "HTXSNV"), ("25", "60", "HTTNV"), ("24", "55", "HTTNV"), ("21", "44", "HTNV")]
PLANS = "Chỉ đạo hoàn thành chỉ tiêu quý; sơ kết chuyên đề; kiểm tra, giám sát chi bộ trực thuộc"
EVIDENCE = "Báo cáo sơ kết quý của đơn vị; biên bản kiểm tra"
LIMIT = 40  # leaders staged per quarter: enough to show every state, bounded at any province size


def seed_quarters(season: Season, *, board, evaluator, base_id: int, seed: int) -> dict[str, int]:
    """Open Q2 and Q3 of `season` (not Q1) as far as they have begun on the seeding day, and
    stage the leaders of the ended ones whose managing body is the unit of organization `base_id`."""
    rng = random.Random(seed * 11 + 14)
    counts = {}
    today = timezone.localdate()
    for number in (2, 3):
        period = default_period(season.year, number)
        if period.starts_on > today:
            continue  # nothing is dated after the seeding day
        quarter = services.open_quarter(season=season, actor=board, number=number)
        if period.ends_on >= today:
            continue  # under way: the leaders self-assess at its end
        rows = list(
            QuarterlyEvaluation.objects.filter(quarter=quarter, decider__organization_id=base_id)
            .select_related("quarter", "subject__season__rule_set", "subject__member")
            .order_by("path", "subject__sort_key")[:LIMIT]
        )
        decided = 0
        for n, evaluation in enumerate(rows):
            if number == 3 and evaluation.subject.member.user_id:
                continue  # a leader with a login (the demo's secretary) self-assesses Q3 themselves
            general, tasks, level = rng.choice(SCORES)
            services.save_quarter_draft(
                evaluation=evaluation,
                actor=evaluator,
                values={
                    "planned_tasks": PLANS,
                    "self_general": general,
                    "self_tasks": tasks,
                    "self_level": level,
                    "evidence": EVIDENCE,
                },
            )
            services.submit_quarter_self_assessment(evaluation=evaluation, actor=evaluator)
            if number == 2 or n % 2 == 0:
                services.decide_quarter(
                    evaluation=evaluation,
                    actor=evaluator,
                    general=general,
                    tasks=tasks,
                    level=level,
                    comment="Hoàn thành nhiệm vụ được giao trong quý.",
                )
                decided += 1
        counts[f"q{number}"] = decided
    return counts
