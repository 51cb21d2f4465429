"""Writes of many rows in a fixed number of statements.

Django's `bulk_update` writes one `CASE WHEN id = … THEN …` per column, which PostgreSQL evaluates
branch by branch for every row: a batch of 200 costs 200 × 200 comparisons per column, and
building the expressions dominates the step in Python. `update_rows` sends the new values as a
derived table joined on the primary key instead (`UPDATE … FROM (SELECT …) AS v`), one statement
per chunk, on PostgreSQL and on SQLite (3.33+, the embedded default) alike.
"""

from django.db import connections, router

CHUNK = 400  # SQLite allows 500 terms in one compound SELECT


def update_rows(objects: list, fields: list[str]) -> None:
    """Save `fields` of every object (all of one model, already changed in memory)."""
    if not objects:
        return
    model = type(objects[0])
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    columns = [model._meta.get_field(name) for name in fields]
    pk = model._meta.pk

    def cast(field) -> str:
        return f"CAST(%s AS {field.db_type(connection)})" if connection.vendor == "postgresql" else "%s"

    first = ", ".join([f"{cast(pk)} AS {quote('pk')}"] + [f"{cast(f)} AS {quote(f.column)}" for f in columns])
    rest = ", ".join([cast(pk)] + [cast(f) for f in columns])
    assignments = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in columns)
    table = quote(model._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(objects), CHUNK):
            chunk = objects[start : start + CHUNK]
            rows = " UNION ALL ".join([f"SELECT {first}"] + [f"SELECT {rest}"] * (len(chunk) - 1))
            params = [
                value
                for obj in chunk
                for value in [
                    pk.get_db_prep_save(obj.pk, connection),
                    *(f.get_db_prep_save(getattr(obj, f.attname), connection) for f in columns),
                ]
            ]
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM ({rows}) AS v "
                f"WHERE {table}.{quote(pk.column)} = v.{quote('pk')}",
                params,
            )
