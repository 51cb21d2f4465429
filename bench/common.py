"""Shared set-up for the benchmarks: each uses its own PostgreSQL *bench* database."""

import os
import sys
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent


def setup(default_database: str) -> None:
    """Point Django at the bench database (creating it if needed), migrate, and set Django up."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{default_database}")
    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def ensure_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if parsed.scheme not in ("postgres", "postgresql") or "bench" not in name:
        sys.exit(
            f"Refusing to run against {url!r}: benchmarks empty their database; use a PostgreSQL *bench* one."
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


def province_of(members: int):
    """The demo province of the bench database, seeded first (after emptying the database) unless
    it holds one of about `members` members. Returns its top organization."""
    from django.core.management import call_command

    from members.demo import seed_demo
    from members.models import Member
    from organizations.models import Organization

    if abs(Member.objects.count() - members) > members // 10:
        print(f"seeding a province of {members:,} members first…", flush=True)
        call_command("flush", verbosity=0, interactive=False)
        seed_demo(members=members)
    return Organization.objects.get(code="DEMO")
