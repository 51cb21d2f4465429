"""The season's quarters on the province dashboard (issue 14, R366-QTR-5): Q2 and Q3 opened for
60,000 leaders each of the 500,000-member province, 40 % of Q2 decided, then the dashboard's one
query of the kept quarter figures (reviews/quarters/dashboard.py) for the province and for one
commune, with EXPLAIN ANALYZE.

    uv run python bench/bench_quarter_dashboard.py [--members 500000] [--leaders 60000]

Uses the bench database of bench_seed.py (kiemdiem_bench_seed, or DATABASE_URL); stages the season
as bench_quarters.py does and removes it after.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import province_of, setup  # noqa: E402

GOAL_MS = 150


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=500_000)
    parser.add_argument("--leaders", type=int, default=60_000)
    args = parser.parse_args()
    setup("kiemdiem_bench_seed")

    import datetime

    from bench_open_season import remove_bench_seasons
    from bench_quarters import remove_quarters
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reviews.defaults import shipped_rule_set
    from reviews.models import QuarterlyEvaluation, SeasonUnit, Subject
    from reviews.quarters.dashboard import dashboard_quarters
    from reviews.quarters.services import open_quarter
    from reviews.scope import open_season

    top = province_of(args.members)
    remove_quarters()
    remove_bench_seasons()
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
    members = Subject.objects.filter(season=season, kind="member", out_of_scope="")
    missing = args.leaders - members.filter(profile__in=["LD", "LD_TW"]).count()
    if missing > 0:
        ids = (
            members.exclude(profile__in=["LD", "LD_TW"]).order_by("id").values_list("id", flat=True)[:missing]
        )
        Subject.objects.filter(id__in=list(ids)).update(profile="LD")
    board = get_user_model().objects.filter(
        is_superuser=True
    ).first() or get_user_model().objects.create_superuser("bench-quarters", password="x")
    q2 = open_quarter(season=season, actor=board, number=2)
    open_quarter(season=season, actor=board, number=3)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE reviews_quarterlyevaluation SET state = 'decided', decided_level = 'HTTNV' "
            "WHERE quarter_id = %s AND id %% 5 < 2",
            [q2.pk],
        )
        cursor.execute("ANALYZE reviews_quarterlyevaluation")
    total = QuarterlyEvaluation.objects.filter(quarter__season=season).count()
    print(f"quarters 2 and 3 opened: {total:,} evaluations", flush=True)
    province = SeasonUnit.objects.get(season=season, parent__isnull=True)
    commune = SeasonUnit.objects.filter(season=season, depth=province.depth + 1).order_by("path").first()
    for label, unit in (("province", province), ("commune", commune)):
        best = None
        for _run in range(5):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                rows = dashboard_quarters(season, unit)
                elapsed = time.perf_counter() - started
            best = elapsed if best is None else min(best, elapsed)
        counted = sum(r.progress.total for r in rows if r.progress)
        print(
            f"{label} ({unit.code}): {len(queries)} query, best {best * 1000:.1f} ms, {counted:,} evaluations"
        )
        with connection.cursor() as cursor:
            sql, params = queries.captured_queries[0]["sql"], None
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            print("\n".join(row[0] for row in cursor.fetchall()))
        print(f"{'OK' if best * 1000 <= GOAL_MS else 'TOO SLOW'} (goal {GOAL_MS} ms)", flush=True)
    remove_quarters()
    remove_bench_seasons()


if __name__ == "__main__":
    main()
