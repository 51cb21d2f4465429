"""Writing many rows at once: one COPY on PostgreSQL, bulk_create elsewhere (the SQLite of `make run`).

COPY skips what bulk_create costs per row (a model instance, SQL parameters), which is most of the
time of a 100,000-member write. Like bulk_create, it calls no save(), sends no signals and leaves
computed columns to the caller.
"""

from django.db import connection


def reserve_ids(model, count: int) -> list[int]:
    """`count` new ids from the table's sequence (PostgreSQL only)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [model._meta.db_table, count],
        )
        return [row[0] for row in cursor.fetchall()]


def bulk_insert(model, fields: list[str], rows: list[tuple], *, ids: bool = False) -> list[int]:
    """Insert `rows` (tuples in the order of `fields`); the new ids, in order, when asked for.

    Columns not in `fields` get their model default, computed once for all rows: pass any
    per-row default (a uuid4, say) in the rows. A failure raises Django's database errors
    (IntegrityError for a duplicate), as the ORM does.
    """
    if not rows:
        return []
    if connection.vendor != "postgresql":
        objects = [model(**dict(zip(fields, row, strict=True))) for row in rows]
        model.objects.bulk_create(objects, batch_size=500)
        return [obj.pk for obj in objects] if ids else []
    from psycopg import sql

    # COPY leaves the columns it is not given NULL: give them their model default.
    meta = model._meta
    others = [f for f in meta.concrete_fields if not f.primary_key and f.attname not in fields]
    defaults = tuple(f.get_default() for f in others)
    columns = [meta.get_field(name).column for name in fields] + [f.column for f in others]
    new_ids = reserve_ids(model, len(rows)) if ids else []
    if ids:
        columns.insert(0, meta.pk.column)
        rows = [(new_id, *row, *defaults) for new_id, row in zip(new_ids, rows, strict=True)]
    elif defaults:
        rows = [(*row, *defaults) for row in rows]
    # Binary COPY: psycopg packs the values rather than formatting them as text, half the Python time.
    statement = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT BINARY)").format(
        sql.Identifier(meta.db_table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    types = _column_types(meta.db_table, columns)
    # The raw psycopg cursor raises psycopg's errors; Django's wrapper turns them into its own.
    with (
        connection.wrap_database_errors,
        connection.cursor() as cursor,
        cursor.cursor.copy(statement) as copy,
    ):
        copy.set_types(types)
        for row in rows:
            copy.write_row(row)
    return new_ids


def _column_types(table: str, columns: list[str]) -> list[int]:
    """The type oid of each column, which a binary COPY must be told."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0",
            [connection.ops.quote_name(table)],
        )
        types = dict(cursor.fetchall())
    return [types[column] for column in columns]


def analyze(*models) -> None:
    """Refresh PostgreSQL's statistics of these tables after a bulk write, so the next large
    statement is planned for the rows that are there (autovacuum may not have looked yet: a
    season opened right after a 500,000-row import otherwise plans its joins for an empty table
    and runs for tens of minutes instead of seconds). Rows written earlier in the same
    transaction are counted. A no-op elsewhere."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f'ANALYZE "{model._meta.db_table}"')
