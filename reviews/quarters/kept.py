"""The quarters' figures kept by the database (reviews.models.QuarterFigure), not recomputed.

The same design as the season's figures (reviews/kept_figures.py): triggers on the quarterly
evaluations add each changed evaluation's contribution (+1 for its new row, -1 for its old one) to
the figures of its unit and of every unit above it, found by the prefixes of its snapshot path, in
the same transaction as the write — the opening's one INSERT … SELECT of a province's leaders, a
step, a bulk decision, `queryset.update`. PostgreSQL aggregates each statement's changes
(transition tables) into one upsert per key taken in key order; SQLite runs it per row. A closed
season's quarters are frozen: the triggers skip them and the recount leaves them alone.
"""

from reviews.kept_figures import prefix_lengths
from reviews.kept_triggers import KeptFrom

TABLE = "reviews_quarterfigure"
KEYS = "quarter_id, unit_id, state, level"
SOURCE_TABLE = "reviews_quarterlyevaluation"
COLUMNS = ("quarter_id", "path", "state", "decided_level")


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


TRIGGERS = KeptFrom(
    table=SOURCE_TABLE,
    name="figures",
    function="reviews_quarter_figures",
    upsert=lambda vendor, source: upsert(source),
    columns=COLUMNS,
)


def install(schema_editor) -> None:
    TRIGGERS.install(schema_editor)


def uninstall(schema_editor) -> None:
    TRIGGERS.uninstall(schema_editor)


def recount(cursor, season_id: int, *, open_only: bool = True) -> None:
    """Count the quarters of one open season again from their evaluations (`open_only=False`: of
    a closed one too, which only the migration does, once, for quarters never counted)."""
    quarters = "SELECT id FROM reviews_quarter WHERE season_id = %s"
    cursor.execute(f"DELETE FROM {TABLE} WHERE quarter_id IN ({quarters})", [season_id])
    source = TRIGGERS.rows("e", 1, f"FROM {SOURCE_TABLE} e WHERE e.quarter_id IN ({quarters})")
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
