"""Opening a quarter for the leaders of a 500,000-member province (about 60,000 posts, R366-QTR-1)
in one INSERT … SELECT, and the quarter's progress read in a fixed number of queries.

    uv run python bench/bench_quarters.py [--members 500000] [--leaders 60000]

Uses the bench database of bench_seed.py (kiemdiem_bench_seed, or DATABASE_URL); seeds the province
there first if it does not hold one of the wanted size, opens a QĐ 366 season (year 2099), makes
sure `--leaders` member subjects are leaders (LĐ), then opens quarter 2. Removes the season after.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import province_of, setup  # noqa: E402

GOAL_SECONDS = 10


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=500_000)
    parser.add_argument("--leaders", type=int, default=60_000)
    args = parser.parse_args()
    setup("kiemdiem_bench_seed")

    import datetime

    from bench_open_season import remove_bench_seasons
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reviews.defaults import shipped_rule_set
    from reviews.models import QuarterlyEvaluation, Subject
    from reviews.quarters.results import quarter_progress
    from reviews.quarters.services import open_quarter
    from reviews.scope import open_season

    top = province_of(args.members)
    remove_quarters()
    remove_bench_seasons()
    # The season is only the stage: open it without the kept figures' triggers (and the foreign
    # key triggers) of this session, which make a 500,000-member opening take most of an hour on
    # a loaded machine; the quarter below is measured with every trigger and check in force.
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
    try:
        season = open_season(
            top_organization=top,
            year=2099,
            reference_date=datetime.date(2099, 11, 15),
            rule_set=shipped_rule_set("qd366-hd43-2025"),
        )
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = origin")
    print(f"season opened (stage): {season.subjects.count():,} subjects", flush=True)
    leaders = Subject.objects.filter(
        season=season, kind="member", out_of_scope="", profile__in=["LD", "LD_TW"]
    )
    missing = args.leaders - leaders.count()
    if missing > 0:
        ids = (
            Subject.objects.filter(season=season, kind="member", out_of_scope="")
            .exclude(profile__in=["LD", "LD_TW"])
            .order_by("id")
            .values_list("id", flat=True)[:missing]
        )
        Subject.objects.filter(id__in=list(ids)).update(profile="LD")
    wanted = leaders.count()
    board = get_user_model().objects.filter(
        is_superuser=True
    ).first() or get_user_model().objects.create_superuser("bench-quarters", password="x")
    started = time.perf_counter()
    quarter = open_quarter(season=season, actor=board, number=2)
    total = time.perf_counter() - started
    opened = QuarterlyEvaluation.objects.filter(quarter=quarter).count()
    print(f"quarter 2 opened: {opened:,} evaluations for {wanted:,} leaders in {total:.1f} s")
    print(f"{'OK' if total <= GOAL_SECONDS and opened == wanted else 'TOO SLOW'} (goal {GOAL_SECONDS} s)")
    for _run in range(3):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            progress = quarter_progress(season)
            elapsed = time.perf_counter() - started
        print(
            f"progress of the province: {len(queries)} queries, {elapsed * 1000:.0f} ms, {progress[2].total:,} rows"
        )
    remove_quarters()
    remove_bench_seasons()


def remove_quarters() -> None:
    from django.db import connection

    from reviews.models import Quarter, QuarterlyEvaluation, QuarterSetup

    for model in (QuarterlyEvaluation, Quarter, QuarterSetup):
        model.objects.filter(
            **({"quarter__season__year": 2099} if model is QuarterlyEvaluation else {"season__year": 2099})
        )._raw_delete(connection.alias)


if __name__ == "__main__":
    main()
