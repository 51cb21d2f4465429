"""The province dashboard's figures, read from the kept figures, against one hand-written GROUP BY
over the season's subjects, in the same run (goal: ≤ 1.0×; the figures should not scan the season).
Also the cost the triggers add to the writes that feed them: the opening of the season (one
INSERT … SELECT of every subject) and one UPDATE deciding 40 % of the members.

    uv run python bench/bench_figures.py [--members 500000]

Uses its own bench database (kiemdiem_bench_figures), seeding the province there first if it does
not hold one of the wanted size; opens a QĐ 124 season of 2096 once and keeps it.
"""

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import province_of, setup  # noqa: E402

YEAR = 2096
GROUP_BY = """
SELECT kind, state, decided_level, out_of_scope, COUNT(*), SUM(decided_points)
FROM reviews_subject WHERE season_id = %s GROUP BY 1, 2, 3, 4"""


def prepared_season(top):
    """The season, opened and 40 % of its members decided on the first run (timed)."""
    from django.db import transaction

    from reviews.defaults import shipped_rule_set
    from reviews.models import Season, Subject
    from reviews.scope import open_season

    season = Season.objects.filter(top_organization=top, year=YEAR).first()
    if season is not None:
        return season
    started = time.perf_counter()
    season = open_season(
        top_organization=top,
        year=YEAR,
        reference_date=datetime.date(2026, 12, 15),
        rule_set=shipped_rule_set("qd124-hd25-2023"),
    )
    print(f"season {YEAR} opened in {time.perf_counter() - started:.0f} s (figures kept by the triggers)")
    members = Subject.objects.filter(season=season, kind="member", out_of_scope="")
    chosen = members.filter(pk__in=members.order_by("pk").values("pk")[: int(members.count() * 0.4)])
    started = time.perf_counter()
    with transaction.atomic():
        decided = chosen.update(state="decided", decided_level="HTTNV")
    print(f"one UPDATE deciding {decided:,} members: {time.perf_counter() - started:.1f} s")
    return season


def best_of(rounds: int, work) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    best = None
    for _n in range(rounds):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            work()
            seconds = time.perf_counter() - started
        best = seconds if best is None else min(best, seconds)
    return best, len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=500_000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    setup("kiemdiem_bench_figures")
    from django.db import connection

    from reviews.models import SeasonFigure, SeasonUnit
    from reviews.views.dashboard import collect_figures

    top = province_of(args.members)
    season = prepared_season(top)
    unit = SeasonUnit.objects.get(season=season, organization=top)
    print(f"load average {os.getloadavg()[0]:.1f}; {season.subjects.count():,} subjects")
    print(f"kept rows: {SeasonFigure.objects.filter(season=season).count():,} in the season, ", end="")
    print(f"{SeasonFigure.objects.filter(season=season, unit=unit).count()} for the province")

    def group_by():
        with connection.cursor() as cursor:
            cursor.execute(GROUP_BY, [season.pk])
            cursor.fetchall()

    figures, queries = best_of(args.rounds, lambda: collect_figures(season, unit))
    scan, _one = best_of(args.rounds, group_by)
    print(f"dashboard figures (kept): {queries} queries, best {1000 * figures:.1f} ms")
    print(f"one GROUP BY over the season: best {1000 * scan:.1f} ms")
    print(f"figures ÷ GROUP BY: {figures / scan:.3f}×")


if __name__ == "__main__":
    main()
