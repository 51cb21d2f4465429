"""Settings come from the environment and fail loudly."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import database_from_url, env_bool, env_int

ROOT = Path(__file__).resolve().parents[2]


def test_bad_values_stop_the_process(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured):
        env_bool("X_FLAG", False)
    monkeypatch.setenv("X_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured):
        env_int("X_NUMBER", 1)
    with pytest.raises(ImproperlyConfigured):
        database_from_url("mysql://x/y", base_dir=ROOT)


def test_urls_become_database_settings():
    pg = database_from_url("postgres://kd:secret@db:5433/kiemdiem", base_dir=ROOT)
    assert (pg["ENGINE"], pg["NAME"], pg["USER"], pg["PASSWORD"], pg["HOST"], pg["PORT"]) == (
        "config.postgresql",
        "kiemdiem",
        "kd",
        "secret",
        "db",
        "5433",
    )
    assert database_from_url("sqlite:///var/x.sqlite3", base_dir=ROOT)["NAME"] == str(ROOT / "var/x.sqlite3")


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_its_secrets(missing):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "ALLOWED_HOSTS")}
    env.update({"DEBUG": "false", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "example.vn"})
    env.pop(missing)
    done = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode != 0 and missing in done.stderr


def test_dates_are_day_first_in_vietnamese():
    from django import forms
    from django.utils import translation

    with translation.override("vi"):
        field = forms.DateField()
        assert field.clean("05/12/2024").month == 12
        from django.utils.formats import date_format

        assert date_format(field.clean("05/12/2024"), "SHORT_DATE_FORMAT") == "05/12/2024"


def test_the_migrations_match_the_models_with_no_settings_given():
    """makemigrations needs no production secrets (manage.py runs it as development work), and
    the committed migrations describe the models."""
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "ALLOWED_HOSTS", "DEBUG")}
    done = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No changes detected" in done.stdout


@pytest.mark.parametrize(("pooled", "expected"), [("true", "True"), ("false", "False")])
def test_behind_pgbouncer_no_server_side_cursors_are_used(pooled, expected):
    """Transaction pooling hands each transaction any server connection: a cursor left open
    between transactions would be lost (docs/operations.md, "Past one machine")."""
    said = _database_setting(
        "get('DISABLE_SERVER_SIDE_CURSORS', False)",
        DATABASE_URL="postgres://kd@pgbouncer:6432/kd",
        DATABASE_POOLED=pooled,
    )
    assert said == expected


def _database_setting(expression: str, **environment) -> str:
    """`settings.DATABASES['default'].<expression>` as a new process started with `environment` prints it."""
    done = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            f"from django.conf import settings; print(settings.DATABASES['default'].{expression})",
        ],
        cwd=ROOT,
        env=dict(os.environ, DEBUG="true", **environment),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def test_audit_keys_are_read_strictly():
    from config.env import audit_keys_from

    assert audit_keys_from("k2:" + "n" * 32 + ", k1:" + "o" * 32, secret_key="s") == [
        ("k2", "n" * 32),
        ("k1", "o" * 32),
    ]
    assert audit_keys_from(None, secret_key="s")[0][0] == "s1"
    for bad in ("k1:short", "k1" + "x" * 40, "bad id:" + "x" * 32, f"k1:{'a' * 32},k1:{'b' * 32}"):
        with pytest.raises(ImproperlyConfigured):
            audit_keys_from(bad, secret_key="s")


@pytest.mark.parametrize(
    ("pooled", "prepare_after", "expected"),
    [
        ("false", "", "{'options': '-c jit=off', 'server_side_binding': True, 'prepare_threshold': 5}"),
        ("false", "0", "{'options': '-c jit=off'}"),
        ("true", "", "{}"),  # PgBouncer in transaction pooling: the next server connection never prepared it
    ],
)
def test_statements_are_prepared_and_jit_is_off_only_on_a_direct_connection(pooled, prepare_after, expected):
    said = _database_setting(
        "get('OPTIONS', {})",
        DATABASE_URL="postgres://kd@db:5432/kd",
        DATABASE_POOLED=pooled,
        DATABASE_PREPARE_AFTER=prepare_after,
    )
    assert said == expected


@pytest.mark.django_db
def test_a_statement_run_again_is_prepared_on_the_connection():
    """PostgreSQL keeps the statement (pg_prepared_statements) once the process ran it five times:
    the sixth run is not planned again."""
    from django.db import connection

    from organizations.models import Organization

    if not connection.settings_dict.get("OPTIONS", {}).get("prepare_threshold"):
        pytest.skip("the suite runs with DATABASE_PREPARE_AFTER=0")
    for code in range(6):
        list(Organization.objects.filter(code=f"X{code}"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('FROM "organizations_organization"' in sql and "$1" in sql for sql in prepared), prepared


@pytest.mark.django_db
def test_the_application_connection_runs_without_jit():
    """A statement whose estimate passes jit_above_cost is not compiled: on a direct connection the
    setting is off for the whole session (the suite connects directly)."""
    from django.db import connection

    if connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS"):
        pytest.skip("the suite runs behind a pooler: JIT is then set in postgresql.conf")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
