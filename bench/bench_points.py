"""A QĐ 366 season at province scale: a bulk decision of scored members (queries for 20 and for
200, and the time per subject), and the province dashboard with the points figures (queries and
time against a trivial signed-in view of the same run).

    uv run python bench/bench_points.py [--members 500000]

Uses the bench database of bench_seed.py (kiemdiem_bench_seed), seeding the province there first
if it does not hold one of the wanted size. Opens a season of 2097 under QĐ 366 once and keeps it;
the members to decide are put straight into "proposed" with points (the steps before a decision
are not what is measured), then decided through the engine.
"""

import argparse
import datetime
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import province_of, setup  # noqa: E402

YEAR = 2097


def prepared_season(top):
    from reviews.defaults import shipped_rule_set
    from reviews.models import Season
    from reviews.scope import open_season

    season = Season.objects.filter(top_organization=top, year=YEAR).first()
    if season is None:
        started = time.perf_counter()
        season = open_season(
            top_organization=top,
            year=YEAR,
            reference_date=datetime.date(2026, 12, 15),
            rule_set=shipped_rule_set("qd366-hd43-2025"),
        )
        print(f"season {YEAR} opened under QĐ 366 in {time.perf_counter() - started:.0f} s")
    return season


def proposed_members(season, count: int):
    """`count` non-leader members of one base organization, put straight into "proposed" HTTNV with
    87 points and a task list that allows it; their quota groups are brought within the quota
    (bench_pages.py decides 40 % of the season at random levels). Run it in a transaction that is
    rolled back."""
    from django.db.models import Count

    from reviews.models import Subject

    base_unit_id = (
        Subject.objects.filter(season=season, kind="member", state="draft", out_of_scope="", is_leader=False)
        .values("decider_id")
        .annotate(n=Count("id"))
        .filter(n__gte=count)
        .order_by("-n")
        .values_list("decider_id", flat=True)
        .first()
    )
    chosen = list(
        Subject.objects.filter(
            season=season,
            kind="member",
            state="draft",
            out_of_scope="",
            is_leader=False,
            decider_id=base_unit_id,
        ).values_list("pk", flat=True)[:count]
    )
    scores = {
        "self": {"general": "27", "tasks": "60"},
        "proposed": {"general": "27", "tasks": "60"},
        "tasks": {"on_time": 8, "exceeded": 2, "late": 0, "not_done": 0},
    }
    Subject.objects.filter(pk__in=chosen).update(
        state="proposed",
        self_level="HTTNV",
        proposed_level="HTTNV",
        civil_service_level="HTTNV",
        self_points=87,
        proposed_points=87,
        scores=scores,
    )
    subjects = list(
        Subject.objects.select_related("season__rule_set", "unit", "decider", "member").filter(pk__in=chosen)
    )
    Subject.objects.filter(
        season=season, quota_key__in={s.quota_key for s in subjects}, state="decided"
    ).update(decided_level="HTTNV")
    return subjects


def decide(subjects, actor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reviews import workflow

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        workflow.decide(decisions=[workflow.DecisionInput(subject=s) for s in subjects], actor=actor)
        seconds = time.perf_counter() - started
    return len(queries), seconds


def dashboard(season, top_unit, user, rounds: int = 5):
    """Queries and best time of the province dashboard, and of a trivial signed-in view."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    client = Client()
    client.force_login(user)
    found = {}
    for name, url in (
        ("dashboard", reverse("reviews:dashboard", args=[season.pk, top_unit.code])),
        ("trivial", reverse("reviews:notifications", args=[season.pk])),
    ):
        best = None
        for _n in range(rounds):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url, HTTP_HOST="localhost")
                seconds = time.perf_counter() - started
            assert response.status_code == 200, (name, response.status_code)
            best = seconds if best is None else min(best, seconds)
        found[name] = (len(queries), best)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=500_000)
    args = parser.parse_args()
    setup("kiemdiem_bench_seed")
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from reviews.models import SeasonUnit

    top = province_of(args.members)
    season = prepared_season(top)
    admin = get_user_model().objects.filter(is_superuser=True).first()
    for count in (20, 200):
        with transaction.atomic():
            subjects = proposed_members(season, count)
            queries, seconds = decide(subjects, admin)
            transaction.set_rollback(True)
        print(
            f"decide {count} scored members: {queries} queries, {seconds:.2f} s ({1000 * seconds / count:.0f} ms each)"
        )
    top_unit = SeasonUnit.objects.get(season=season, organization=top)
    found = dashboard(season, top_unit, admin)
    (q_dash, t_dash), (q_triv, t_triv) = found["dashboard"], found["trivial"]
    print(f"province dashboard: {q_dash} queries, best {1000 * t_dash:.0f} ms")
    print(
        f"trivial signed-in view: {q_triv} queries, best {1000 * t_triv:.0f} ms; dashboard ÷ trivial {t_dash / t_triv:.1f}×"
    )


if __name__ == "__main__":
    main()
