"""Opening a season for a 500,000-member province on PostgreSQL, goal under 60 s (R-SCOPE-1), under
each rule set: QĐ 124 / HD 25 and QĐ 366 / HD 43 (profiles and forms by posts at opening).

    uv run python bench/bench_open_season.py [--members 500000]

Uses the bench database of bench_seed.py (kiemdiem_bench_seed); seeds the province there first
if it does not hold one of the wanted size. Each run removes the season it opened before.
"""

import argparse
import datetime
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import province_of, setup  # noqa: E402

GOAL_SECONDS = 60


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=500_000)
    args = parser.parse_args()
    setup("kiemdiem_bench_seed")

    from reviews.models import Subject
    from reviews.scope import open_season

    top = province_of(args.members)
    remove_bench_seasons()

    from reviews.defaults import shipped_rule_set

    for code in ("qd124-hd25-2023", "qd366-hd43-2025"):
        started = time.perf_counter()
        season = open_season(
            top_organization=top,
            year=2099,
            reference_date=datetime.date(2026, 12, 15),
            rule_set=shipped_rule_set(code),
        )
        total = time.perf_counter() - started
        members = Subject.objects.filter(season=season, kind="member").count()
        collectives = Subject.objects.filter(season=season).exclude(kind="member").count()
        print(f"{code}: {season.units.count():,} units, {collectives:,} collectives, {members:,} members")
        print(f"{'OK' if total <= GOAL_SECONDS else 'TOO SLOW'}: {total:.1f} s (goal {GOAL_SECONDS} s)")
        remove_bench_seasons()


def remove_bench_seasons() -> None:
    """Raw deletes: the ORM's collector would load 600,000 rows to cascade."""
    from django.db import connection

    from reviews.models import AuditChain, Event, QuotaGroup, Season, SeasonUnit, Subject

    for season in Season.objects.filter(year=2099):
        for model in (Event, AuditChain, QuotaGroup, Subject, SeasonUnit):
            model.objects.filter(season=season)._raw_delete(connection.alias)
        season.delete()


if __name__ == "__main__":
    main()
