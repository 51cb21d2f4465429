"""Stop with one line naming the server when PostgreSQL or Redis is not reachable."""

import os
import sys
from urllib.parse import urlparse

import psycopg
import redis

START = "start it with `docker compose up -d db redis`"


def check_postgres(url: str) -> str | None:
    parsed = urlparse(url)
    if parsed.scheme not in {"postgres", "postgresql"}:
        return f"DATABASE_URL must point at PostgreSQL for the tests, got {url}"
    # Connect to the maintenance database: the test database is created by the test run.
    try:
        psycopg.connect(
            host=parsed.hostname or "127.0.0.1",
            port=parsed.port or 5432,
            user=parsed.username or "postgres",
            password=parsed.password or None,
            dbname="postgres",
            connect_timeout=5,
        ).close()
    except psycopg.Error as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
        return f"PostgreSQL is not reachable at {parsed.hostname}:{parsed.port or 5432} ({reason}); {START}"
    return None


def check_redis(url: str) -> str | None:
    try:
        redis.Redis.from_url(url, socket_connect_timeout=5).ping()
    except redis.RedisError as exc:
        return f"Redis is not reachable at {url} ({exc.__class__.__name__}); {START}"
    return None


def main() -> int:
    problems = [
        p
        for p in (
            check_postgres(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kiemdiem")),
            check_redis(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")),
        )
        if p
    ]
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
