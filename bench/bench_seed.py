"""Demo province benchmark: `seed_demo` with 500,000 members on PostgreSQL, in under 3 minutes.

    uv run python bench/bench_seed.py [--members 500000] [--seed 124]

It uses its own database (DATABASE_URL, by default kiemdiem_bench_seed on the local server),
which it creates and migrates when needed and empties (flush) at the start. It runs the very
code of `manage.py seed_demo` and prints the time of each phase.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import setup  # noqa: E402

GOAL_SECONDS = 180


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()

    setup("kiemdiem_bench_seed")
    from django.core.management import call_command
    from django.db import connection

    from members.demo import DEFAULT_SEED, seed_demo

    call_command("flush", verbosity=0, interactive=False)

    def progress(phase: str, seconds: float) -> None:
        print(f"  {phase:<26} {seconds:7.1f} s", flush=True)

    print(f"seed_demo: {args.members:,} members on {connection.settings_dict['NAME']}")
    started = time.perf_counter()
    result = seed_demo(members=args.members, seed=args.seed or DEFAULT_SEED, progress=progress)
    total = time.perf_counter() - started
    print(f"  {'total':<26} {total:7.1f} s")
    print(f"{result.organizations:,} organizations, {result.members:,} members")
    verdict = "OK" if total <= GOAL_SECONDS else "TOO SLOW"
    print(f"{verdict}: {total:.1f} s (goal {GOAL_SECONDS} s)")


if __name__ == "__main__":
    main()
