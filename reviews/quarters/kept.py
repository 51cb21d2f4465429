"""The quarters' figures kept by the database (reviews.models.QuarterFigure), not recomputed.

The same design as the season's figures (reviews/kept_figures.py): triggers on the quarterly
evaluations add each changed evaluation's contribution (+1 for its new row, -1 for its old one) to
the figures of its unit and of every unit above it, found by the prefixes of its snapshot path, in
the same transaction as the write — the opening's one INSERT … SELECT of a province's leaders, a
step, a bulk decision, `queryset.update`. PostgreSQL aggregates each statement's changes
(transition tables) into one upsert per key taken in key order; SQLite runs it per row. A closed
season's quarters are frozen: the triggers skip them and the recount leaves them alone.
"""

from reviews.kept_figures import prefix_lengths, statement_triggers

TABLE = "reviews_quarterfigure"
KEYS = "quarter_id, unit_id, state, level"
SOURCE_TABLE = "reviews_quarterlyevaluation"
COLUMNS = ("quarter_id", "path", "state", "decided_level")
TRIGGERS = [f"{SOURCE_TABLE}_figures_{event}" for event in ("insert", "update", "delete")]
FUNCTION = "reviews_quarter_figures"


def upsert(source: str, *, open_only: bool = True) -> str:
    """Add the contributions of `source` (rows of evaluation columns with `sign`) to the figures
    of each evaluation's unit and every unit above it, one row per key, in key order; with
    `open_only`, of open seasons only."""
    status = "AND season.status = 'open'" if open_only else ""
    return f"""
INSERT INTO {TABLE} ({KEYS}, n)
SELECT src.quarter_id, a.id, src.state, src.decided_level, SUM(src.sign)
FROM ({source}) src, ({prefix_lengths()}) l, reviews_quarter q, reviews_season season,
    reviews_seasonunit a
WHERE q.id = src.quarter_id AND season.id = q.season_id {status}
    AND l.len <= length(src.path) AND a.season_id = q.season_id AND a.path = substr(src.path, 1, l.len)
GROUP BY 1, 2, 3, 4
HAVING SUM(src.sign) <> 0
ORDER BY 1, 2, 3, 4
ON CONFLICT ({KEYS}) DO UPDATE SET n = {TABLE}.n + excluded.n"""


def _rows(ref: str, sign: int, source: str = "") -> str:
    columns = ", ".join(f"{ref}.{c} AS {c}" for c in COLUMNS)
    return f"SELECT {columns}, {sign} AS sign {source}"


def _postgresql_statements() -> list[str]:
    new, old = _rows("e", 1, "FROM new_rows e"), _rows("e", -1, "FROM old_rows e")
    statements = [
        f"""CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN {upsert(new)};
    ELSIF TG_OP = 'UPDATE' THEN {upsert(f"{new} UNION ALL {old}")};
    ELSE {upsert(old)};
    END IF;
    RETURN NULL;
END $$"""
    ]
    return statements + statement_triggers(SOURCE_TABLE, FUNCTION)


def _sqlite_statements() -> list[str]:
    new, old = _rows("NEW", 1), _rows("OLD", -1)
    triggers = {
        "insert": ("INSERT", new),
        "update": (f"UPDATE OF {', '.join(COLUMNS)}", f"{new} UNION ALL {old}"),
        "delete": ("DELETE", old),
    }
    return [
        f"CREATE TRIGGER {SOURCE_TABLE}_figures_{name} AFTER {event} ON {SOURCE_TABLE} FOR EACH ROW "
        f"BEGIN {upsert(source)}; END"
        for name, (event, source) in triggers.items()
    ]


def install(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    for statement in _postgresql_statements() if vendor == "postgresql" else _sqlite_statements():
        schema_editor.execute(statement, params=None)


def uninstall(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    for name in TRIGGERS:
        on = f" ON {SOURCE_TABLE}" if vendor == "postgresql" else ""
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}{on}", params=None)
    if vendor == "postgresql":
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()", params=None)


def recount(cursor, season_id: int, *, open_only: bool = True) -> None:
    """Count the quarters of one open season again from their evaluations (`open_only=False`: of
    a closed one too, which only the migration does, once, for quarters never counted)."""
    quarters = "SELECT id FROM reviews_quarter WHERE season_id = %s"
    cursor.execute(f"DELETE FROM {TABLE} WHERE quarter_id IN ({quarters})", [season_id])
    source = _rows("e", 1, f"FROM {SOURCE_TABLE} e WHERE e.quarter_id IN ({quarters})")
    cursor.execute(upsert(source, open_only=open_only), [season_id])


def install_and_count(schema_editor) -> None:
    """The migration's forward step: the triggers (replacing any), then every season's quarters,
    a closed season's too (its evaluations stood still since it closed: what they say is what it
    closed with)."""
    uninstall(schema_editor)
    install(schema_editor)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT id FROM reviews_season")
        for (season_id,) in cursor.fetchall():
            recount(cursor, season_id, open_only=False)


def purge_orphans(cursor) -> int:
    """Delete the figures of quarters that no longer exist."""
    cursor.execute(f"DELETE FROM {TABLE} WHERE quarter_id NOT IN (SELECT id FROM reviews_quarter)")
    return cursor.rowcount
