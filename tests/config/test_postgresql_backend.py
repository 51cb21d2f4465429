"""The PostgreSQL backend (config/postgresql/base.py) reads `timestamptz` with psycopg's compiled
loader, and gives the same aware datetimes as Django's own loader."""

import datetime
import zoneinfo

import psycopg
import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.db.backends.postgresql.psycopg_any import register_tzloader
from psycopg.pq import Format

from config.postgresql.base import COMPILED_LOADER, TIMESTAMPTZ_OID, DatabaseWrapper, UTCTimestampLoader

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's backend"),
]

VALUES = """select v::timestamptz from unnest(array[
    '2026-12-07 09:30:00+00', '2026-12-07 16:30:00.123456+07', '2026-06-30 23:59:59.999999-05:30',
    '1970-01-01 00:00:00+00', '1945-09-02 14:00:00+07', '0001-01-01 00:00:00+00',
    '9999-12-30 23:59:59.999999+00', '2027-02-10 09:30:00.5+07'
]) as v"""


def _read(cursor) -> list[datetime.datetime]:
    cursor.execute(VALUES)
    return [row[0] for row in cursor.fetchall()]


def test_the_connection_reads_timestamps_with_psycopgs_compiled_loader():
    connection.ensure_connection()
    registered = connection.connection.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
    assert registered is UTCTimestampLoader
    assert psycopg.pq.__impl__ in {"c", "binary"}  # the lock file asks for psycopg[binary]
    assert type(registered(TIMESTAMPTZ_OID, connection.connection)) is COMPILED_LOADER
    assert COMPILED_LOADER.__module__.startswith(("psycopg_binary", "psycopg_c"))


def test_its_values_are_djangos_own():
    with connection.cursor() as cursor:
        ours = _read(cursor)
    with connection.connection.cursor() as cursor:
        register_tzloader(datetime.UTC, cursor)  # what Django 5.2 registers on its own
        djangos = _read(cursor)
    assert ours == djangos
    assert [v.tzinfo for v in ours] == [v.tzinfo for v in djangos]
    assert {v.tzinfo for v in ours} == {datetime.UTC}
    assert ours[1] == datetime.datetime(2026, 12, 7, 9, 30, 0, 123456, tzinfo=datetime.UTC)


def test_a_model_field_comes_back_as_it_was_saved():
    when = datetime.datetime(2026, 12, 7, 16, 45, 1, 234567, tzinfo=zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh"))
    Session.objects.create(session_key="k" * 32, session_data="", expire_date=when)
    read = Session.objects.get(session_key="k" * 32).expire_date
    assert read == when
    assert read.tzinfo == datetime.UTC and read.hour == 9


def test_another_database_time_zone_keeps_djangos_loader():
    other = DatabaseWrapper({**connection.settings_dict, "TIME_ZONE": "Asia/Ho_Chi_Minh"})
    try:
        other.ensure_connection()
        registered = other.connection.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
        assert registered is not UTCTimestampLoader
        with other.cursor() as cursor:
            first = _read(cursor)[0]
        assert first == datetime.datetime(2026, 12, 7, 9, 30, tzinfo=datetime.UTC)
        assert first.tzinfo == zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
    finally:
        other.close()
