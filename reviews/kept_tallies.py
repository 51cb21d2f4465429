"""One kept row per unit of a season (reviews.models.UnitTally): what a row of the breakdown by
directly subordinate organization shows, so that a province's dashboard reads one row for each of
its hundreds of children instead of their thousands of kept figures (bench/README.md,
"2026-12-06, evening").

The tallies are kept from the kept figures themselves (reviews/kept_figures.py): triggers on
reviews_seasonfigure add each changed figure's contribution (its new count, less its old one) to
its unit's tally, in the same transaction as the write that changed the figure, whatever it was.
So a tally is always the figures of its unit added up by kind, state, level and reason not rated,
and it is frozen with them when the season closes. PostgreSQL aggregates a statement's changes
(transition tables) into one upsert per unit, in unit order; SQLite runs it per row. Inside
`kept_figures.counted_once` and `kept_figures.rebuild` the triggers stand aside (the same
transaction-local setting) and the season is tallied once from its figures.
"""

from reviews.kept_triggers import KeptFrom

TABLE = "reviews_unittally"
SOURCE_TABLE = "reviews_seasonfigure"
SEPARATOR = "|"  # between the parts of a count's key: kind, state, level, reason not rated

# A tally's counts: key → how many, the keys whose count fell to zero left out.
COUNTS = {
    "postgresql": "COALESCE(jsonb_object_agg(k.key, k.n) FILTER (WHERE k.n <> 0), '{}'::jsonb)",
    "sqlite": "json_group_object(k.key, k.n) FILTER (WHERE k.n <> 0)",
}
# Two tallies' counts added up key by key (the kept one, and the one the statement brings).
ADDED = {
    "postgresql": f"""COALESCE((SELECT jsonb_object_agg(e.key, e.total) FROM (
        SELECT key, SUM(value::bigint) AS total FROM (
            SELECT key, value FROM jsonb_each_text({TABLE}.counts)
            UNION ALL SELECT key, value FROM jsonb_each_text(excluded.counts)) both_counts
        GROUP BY key HAVING SUM(value::bigint) <> 0) e), '{{}}'::jsonb)""",
    "sqlite": f"""(SELECT json_group_object(e.key, e.total) FROM (
        SELECT key, SUM(value) AS total FROM (
            SELECT key, value FROM json_each({TABLE}.counts)
            UNION ALL SELECT key, value FROM json_each(excluded.counts)) both_counts
        GROUP BY key HAVING SUM(value) <> 0) e)""",
}


def upsert(vendor: str, source: str, *, open_only: bool = True) -> str:
    """Add the figures of `source` (rows of figure columns with `sign`) to their units' tallies, one
    upsert per unit, in unit order; with `open_only`, of open seasons only."""
    status = "AND season.status = 'open'" if open_only else ""
    parts = f" || '{SEPARATOR}' || ".join(f"d.{c}" for c in ("kind", "state", "level", "out_of_scope"))
    member = "CASE WHEN d.kind = 'member' THEN d.sign * d.{} ELSE 0 END"
    return f"""
INSERT INTO {TABLE} (season_id, unit_id, counts, points, scored)
SELECT k.season_id, k.unit_id, {COUNTS[vendor]}, SUM(k.points), SUM(k.scored)
FROM (
    SELECT d.season_id, d.unit_id, {parts} AS key, SUM(d.sign * d.n) AS n,
        SUM({member.format("points")}) AS points, SUM({member.format("scored")}) AS scored
    FROM ({source}) d, reviews_season season
    WHERE season.id = d.season_id {status}
    GROUP BY 1, 2, 3
) k
WHERE true
GROUP BY 1, 2
ORDER BY 1, 2
ON CONFLICT (season_id, unit_id) DO UPDATE SET counts = {ADDED[vendor]},
    points = {TABLE}.points + excluded.points, scored = {TABLE}.scored + excluded.scored"""


COLUMNS = ("season_id", "unit_id", "kind", "state", "level", "out_of_scope", "n", "points", "scored")


TRIGGERS = KeptFrom(
    table=SOURCE_TABLE,
    name="tally",
    function="reviews_unit_tally",
    upsert=upsert,
    columns=COLUMNS,
    deferrable=True,
)


def install(schema_editor) -> None:
    TRIGGERS.install(schema_editor)


def uninstall(schema_editor) -> None:
    TRIGGERS.uninstall(schema_editor)


def recount(cursor, vendor: str, season_id: int, *, open_only: bool = True) -> None:
    """Tally one open season's units again from their kept figures (`open_only=False`: a closed
    one's too, which only the migration does, once, for seasons never tallied)."""
    cursor.execute(f"DELETE FROM {TABLE} WHERE season_id = %s", [season_id])
    source = TRIGGERS.rows("f", 1, f"FROM {SOURCE_TABLE} f WHERE f.season_id = %s")
    cursor.execute(upsert(vendor, source, open_only=open_only), [season_id])


def install_and_count(schema_editor) -> None:
    """The migration's forward step: the triggers (replacing any), then every season's tallies,
    a closed season's too (from its figures, frozen when it closed)."""
    uninstall(schema_editor)
    install(schema_editor)
    db = schema_editor.connection
    with db.cursor() as cursor:
        cursor.execute("SELECT id FROM reviews_season")
        for (season_id,) in cursor.fetchall():
            recount(cursor, db.vendor, season_id, open_only=False)


def purge_orphans(cursor) -> int:
    """Delete the tallies of seasons that no longer exist."""
    cursor.execute(f"DELETE FROM {TABLE} WHERE season_id NOT IN (SELECT id FROM reviews_season)")
    return cursor.rowcount
