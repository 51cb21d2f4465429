"""Demo province benchmark: `seed_demo` with 500,000 members on PostgreSQL, in under 3 minutes.

    uv run python bench/bench_seed.py [--members 500000] [--seed 124]

It uses its own database (DATABASE_URL, by default kiemdiem_bench_seed on the local server),
which it creates and migrates when needed and empties (flush) at the start. It runs the very
code of `manage.py seed_demo` and prints the time of each phase.
"""

import argparse
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kiemdiem_bench_seed")

GOAL_SECONDS = 180


def ensure_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if parsed.scheme not in ("postgres", "postgresql") or "bench" not in name:
        sys.exit(
            f"Refusing to run against {url!r}: the benchmark empties its database; use a PostgreSQL *bench* one."
        )
    with psycopg.connect(
        host=parsed.hostname or "127.0.0.1",
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        password=parsed.password or None,
        dbname="postgres",
        autocommit=True,
    ) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()

    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from members.demo import DEFAULT_SEED, seed_demo

    call_command("migrate", verbosity=0, interactive=False)
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
