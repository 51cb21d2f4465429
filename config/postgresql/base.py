"""Django's PostgreSQL backend, reading `timestamptz` columns with psycopg's compiled loader.

Django 5.2 registers, for every connection, a subclass of psycopg's pure-Python timestamp loader
that sets the time zone it wants on each value (Django ticket 36960). On this project's pages that
is about 5 µs a value, against under 1 µs for the compiled loader: a cell board of thirty
members reads 187 of them (bench/README.md, "2026-12-07, night"). Django also sets the session's
time zone on each connection (`ensure_timezone`); in that time zone the compiled loader gives the
same aware datetimes as Django's (tests/config/test_postgresql_backend.py compares them).

Only where Django wants UTC; with another time zone (or USE_TZ off) Django's loader stays.
"""

import datetime

from django.db.backends.postgresql import base
from psycopg import adapters, postgres
from psycopg.pq import Format

TIMESTAMPTZ_OID = postgres.types["timestamptz"].oid
COMPILED_LOADER = adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)  # psycopg's own (C when it has C)


class UTCTimestampLoader:
    """What the connection registers for `timestamptz`: psycopg builds a loader by calling this,
    and gets its compiled one. `timezone` is what Django's `create_cursor` compares with the
    time zone it wants before it registers its own loader again on a cursor."""

    format = Format.TEXT
    timezone = datetime.UTC

    def __new__(cls, oid, context=None):
        return COMPILED_LOADER(oid, context)


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        if self.timezone == datetime.UTC:  # USE_TZ on, no other database time zone
            loaders = connection.adapters
            if loaders.get_loader(TIMESTAMPTZ_OID, Format.TEXT) is not UTCTimestampLoader:
                loaders.register_loader(TIMESTAMPTZ_OID, UTCTimestampLoader)
        return connection
