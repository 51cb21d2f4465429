"""The season's figures kept by the database (reviews.models.SeasonFigure), not recomputed.

Triggers on the subjects and on their remediation plans add each changed subject's contribution
(+1 for its new row, -1 for its old one) to the figures of its own unit and of every unit above
it, in the same transaction as the write, whatever wrote it: the workflow's set-based updates,
`queryset.update`, `bulk_create` at the opening, imports, the admin. PostgreSQL aggregates each
statement's changes (transition tables) into one upsert per key taken in key order; SQLite, which
has one writer at a time, runs the same upsert per row. The units above a subject are found by
the prefixes of its snapshot path, one index lookup each.

A closed season's figures are frozen: the triggers skip it, and `rebuild_figures` leaves it alone
unless told otherwise.

A write of a whole season at once (its opening: half a million subjects inserted, then marked by
several UPDATEs) would make the triggers aggregate every row again for each statement; inside
`counted_once` they stand aside (PostgreSQL: a transaction-local setting) and the season is
counted once at the end, in the same transaction.

Each unit's tally (reviews/kept_tallies.py) is kept from these figures by triggers of its own.
"""

from contextlib import contextmanager

from django.db import connection, transaction

from organizations.models import Organization
from reviews.models import Season

TABLE = "reviews_seasonfigure"
KEYS = (
    "season_id, unit_id, own, kind, state, level, out_of_scope, band, plan, second_khtnv, gap, blocked,"
    " committee"
)
SUBJECT_COLUMNS = (
    "season_id",
    "unit_id",
    "path",
    "kind",
    "state",
    "decided_level",
    "out_of_scope",
    "decided_points",
    "flags",
    "scores",
    "committee_reach",
)
# The columns a subject's figures depend on (SQLite's UPDATE OF; PostgreSQL nets unchanged rows out).
WATCHED = ", ".join(c for c in SUBJECT_COLUMNS)
MAX_PATH = 255  # Subject.path and SeasonUnit.path

# The JSON flags read by the figures, per vendor (PostgreSQL jsonb, SQLite JSON text).
JSON = {
    "postgresql": {
        "second_khtnv": "COALESCE(src.flags -> 'second_khtnv' = 'true'::jsonb, false)",
        "gap": "COALESCE(src.scores -> 'gap' = 'true'::jsonb, false)",
        "blocked": "COALESCE((src.scores -> 'blocked_by')::text, '')",
    },
    "sqlite": {
        "second_khtnv": "COALESCE(json_type(src.flags, '$.second_khtnv') = 'true', 0)",
        "gap": "COALESCE(json_type(src.scores, '$.gap') = 'true', 0)",
        "blocked": "COALESCE(src.scores -> '$.blocked_by', '')",
    },
}
# The bands of reviews.figures.POINT_BINS: below 50, then tens up to 90–100.
BAND = (
    "CASE WHEN src.decided_points IS NULL THEN -1 WHEN src.decided_points < 50 THEN 0 "
    "WHEN src.decided_points < 60 THEN 50 WHEN src.decided_points < 70 THEN 60 "
    "WHEN src.decided_points < 80 THEN 70 WHEN src.decided_points < 90 THEN 80 ELSE 90 END"
)


def prefix_lengths() -> str:
    step = Organization.steplen
    return " UNION ALL ".join(f"SELECT {n} AS len" for n in range(step, MAX_PATH + 1, step))


def _plan_submitted(subject_id: str) -> str:
    return (
        "EXISTS (SELECT 1 FROM reviews_remediationplan p "
        f"WHERE p.subject_id = {subject_id} AND p.submitted_at IS NOT NULL)"
    )


def upsert(vendor: str, source: str) -> str:
    """Add the contributions of `source` (rows of subject columns with `plan` and `sign`) to the
    figures of each subject's unit and every unit above it, one row per key, in key order."""
    json = JSON[vendor]
    points = "COALESCE(src.decided_points, 0)"
    return f"""
INSERT INTO {TABLE} ({KEYS}, n, points, scored)
SELECT src.season_id, a.id, a.id = src.unit_id, src.kind, src.state, src.decided_level,
    src.out_of_scope, {BAND}, src.plan, {json["second_khtnv"]}, {json["gap"]}, {json["blocked"]},
    length(a.path) <= src.committee_reach,
    SUM(src.sign), SUM(src.sign * {points}),
    SUM(CASE WHEN src.decided_points IS NULL THEN 0 ELSE src.sign END)
FROM ({source}) src, ({prefix_lengths()}) l, reviews_seasonunit a, reviews_season season
WHERE season.id = src.season_id AND season.status = 'open' AND l.len <= length(src.path)
    AND a.season_id = src.season_id AND a.path = substr(src.path, 1, l.len)
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13
HAVING SUM(src.sign) <> 0 OR SUM(src.sign * {points}) <> 0
    OR SUM(CASE WHEN src.decided_points IS NULL THEN 0 ELSE src.sign END) <> 0
ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13
ON CONFLICT ({KEYS}) DO UPDATE SET n = {TABLE}.n + excluded.n,
    points = {TABLE}.points + excluded.points, scored = {TABLE}.scored + excluded.scored"""


def _rows(ref: str, plan: str, sign: int, source: str = "") -> str:
    columns = ", ".join(f"{ref}.{c} AS {c}" for c in SUBJECT_COLUMNS)
    return f"SELECT {columns}, {plan} AS plan, {sign} AS sign {source}"


# -- PostgreSQL: statement-level triggers over transition tables ----------------------------------


DEFERRED = "kiemdiem.figures_deferred"  # the transaction-local setting of `counted_once`


def _postgresql_statements() -> list[str]:
    subject_new = _rows("s", _plan_submitted("s.id"), 1, "FROM new_rows s")
    subject_old = _rows("s", _plan_submitted("s.id"), -1, "FROM old_rows s")
    join = "JOIN reviews_subject s ON s.id = p.subject_id"
    plan_new = _rows("s", "p.submitted_at IS NOT NULL", 1, f"FROM new_rows p {join}")
    plan_new_before = _rows("s", "false", -1, f"FROM new_rows p {join}")
    plan_old = _rows("s", "p.submitted_at IS NOT NULL", -1, f"FROM old_rows p {join}")
    plan_old_after = _rows("s", "false", 1, f"FROM old_rows p {join}")
    pg = "postgresql"
    statements = [
        f"""CREATE OR REPLACE FUNCTION reviews_subject_figures() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('{DEFERRED}', true) = 'on' THEN RETURN NULL; END IF;
    IF TG_OP = 'INSERT' THEN {upsert(pg, subject_new)};
    ELSIF TG_OP = 'UPDATE' THEN {upsert(pg, f"{subject_new} UNION ALL {subject_old}")};
    ELSE {upsert(pg, subject_old)};
    END IF;
    RETURN NULL;
END $$""",
        f"""CREATE OR REPLACE FUNCTION reviews_plan_figures() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('{DEFERRED}', true) = 'on' THEN RETURN NULL; END IF;
    IF TG_OP = 'INSERT' THEN {upsert(pg, f"{plan_new} UNION ALL {plan_new_before}")};
    ELSIF TG_OP = 'UPDATE' THEN {upsert(pg, f"{plan_new} UNION ALL {plan_old}")};
    ELSE {upsert(pg, f"{plan_old} UNION ALL {plan_old_after}")};
    END IF;
    RETURN NULL;
END $$""",
    ]
    statements += statement_triggers("reviews_subject", "reviews_subject_figures")
    return statements + statement_triggers("reviews_remediationplan", "reviews_plan_figures")


def statement_triggers(table: str, function: str, name: str = "figures") -> list[str]:
    """PostgreSQL: `function` run once per INSERT, UPDATE and DELETE statement on `table`, with
    the statement's rows as the transition tables new_rows and old_rows."""
    return [
        f"CREATE TRIGGER {table}_{name}_{event.lower()} AFTER {event} ON {table} "
        f"REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        for event, tables in (
            ("INSERT", "NEW TABLE AS new_rows"),
            ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
            ("DELETE", "OLD TABLE AS old_rows"),
        )
    ]


# -- SQLite: row-level triggers (one writer at a time) ------------------------------------------------


def _sqlite_statements() -> list[str]:
    lite = "sqlite"
    subject_new = _rows("NEW", _plan_submitted("NEW.id"), 1)
    subject_old = _rows("OLD", _plan_submitted("OLD.id"), -1)
    subject = "FROM reviews_subject s WHERE s.id = {ref}.subject_id"
    plan_new = _rows("s", "NEW.submitted_at IS NOT NULL", 1, subject.format(ref="NEW"))
    plan_new_before = _rows("s", "0", -1, subject.format(ref="NEW"))
    plan_old = _rows("s", "OLD.submitted_at IS NOT NULL", -1, subject.format(ref="OLD"))
    plan_old_after = _rows("s", "0", 1, subject.format(ref="OLD"))
    triggers = {
        "reviews_subject_figures_insert": ("INSERT ON reviews_subject", subject_new),
        "reviews_subject_figures_update": (
            f"UPDATE OF {WATCHED} ON reviews_subject",
            f"{subject_new} UNION ALL {subject_old}",
        ),
        "reviews_subject_figures_delete": ("DELETE ON reviews_subject", subject_old),
        "reviews_remediationplan_figures_insert": (
            "INSERT ON reviews_remediationplan",
            f"{plan_new} UNION ALL {plan_new_before}",
        ),
        "reviews_remediationplan_figures_update": (
            "UPDATE OF subject_id, submitted_at ON reviews_remediationplan",
            f"{plan_new} UNION ALL {plan_old}",
        ),
        "reviews_remediationplan_figures_delete": (
            "DELETE ON reviews_remediationplan",
            f"{plan_old} UNION ALL {plan_old_after}",
        ),
    }
    return [
        f"CREATE TRIGGER {name} AFTER {event} FOR EACH ROW BEGIN {upsert(lite, source)}; END"
        for name, (event, source) in triggers.items()
    ]


TRIGGERS = [
    f"{table}_figures_{event}"
    for table in ("reviews_subject", "reviews_remediationplan")
    for event in ("insert", "update", "delete")
]


def install(schema_editor) -> None:
    """Create the triggers (the migration's forward step)."""
    vendor = schema_editor.connection.vendor
    statements = _postgresql_statements() if vendor == "postgresql" else _sqlite_statements()
    for statement in statements:
        schema_editor.execute(statement, params=None)


def uninstall(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    for name in TRIGGERS:
        table = name.rsplit("_figures_", 1)[0]
        on = f" ON {table}" if vendor == "postgresql" else ""
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}{on}", params=None)
    if vendor == "postgresql":
        for function in ("reviews_subject_figures", "reviews_plan_figures"):
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {function}()", params=None)


def recount(cursor, vendor: str, season_id: int) -> None:
    source = _rows(
        "s",
        "p.submitted_at IS NOT NULL",
        1,
        "FROM reviews_subject s LEFT JOIN reviews_remediationplan p ON p.subject_id = s.id "
        "WHERE s.season_id = %s",
    )
    cursor.execute(f"DELETE FROM {TABLE} WHERE season_id = %s", [season_id])
    cursor.execute(upsert(vendor, source), [season_id])


def recount_with_tallies(cursor, vendor: str, season_id: int) -> None:
    """Recount the season's figures, then its units' tallies from them (reviews/kept_tallies.py);
    on PostgreSQL, with the triggers standing aside (DEFERRED) until the end, which turns them on."""
    from reviews import kept_tallies

    recount(cursor, vendor, season_id)
    kept_tallies.recount(cursor, vendor, season_id)
    if vendor == "postgresql":
        cursor.execute(f"SET LOCAL {DEFERRED} = 'off'")


def install_and_count(schema_editor) -> None:
    """The migration's forward step: the triggers (replacing any), then each open season's
    committee reach and figures."""
    uninstall(schema_editor)
    install(schema_editor)
    db = schema_editor.connection
    with db.cursor() as cursor:
        cursor.execute("SELECT id, reference_date FROM reviews_season WHERE status = 'open'")
        for season_id, day in cursor.fetchall():
            mark_committee_reach(cursor, season_id, day)
            recount(cursor, db.vendor, season_id)


def rebuild(season: Season) -> None:
    """Recount one open season's figures from its subjects, its units' tallies from those
    (reviews/kept_tallies.py), and its quarters' from their evaluations (reviews/quarters/kept.py),
    in one transaction. On PostgreSQL the
    subjects and plans are locked against writes (SHARE) meanwhile, so no change is lost between
    the delete and the count."""
    if season.status != Season.Status.OPEN:
        raise ValueError(f"season {season.pk} is closed: its figures are frozen")
    from reviews.quarters import kept as kept_quarters

    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "LOCK TABLE reviews_subject, reviews_remediationplan, reviews_quarterlyevaluation IN SHARE MODE"
            )
            cursor.execute(f"SET LOCAL {DEFERRED} = 'on'")  # the tallies are counted once, below
        recount_with_tallies(cursor, connection.vendor, season.pk)
        kept_quarters.recount(cursor, season.pk)


def purge_orphans() -> int:
    """Delete the figures and tallies of seasons, and the figures of quarters, that no longer exist
    (a deleted season's subjects may go after its figures)."""
    from reviews import kept_tallies
    from reviews.quarters import kept as kept_quarters

    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE season_id NOT IN (SELECT id FROM reviews_season)")
        purged = cursor.rowcount
        return purged + kept_tallies.purge_orphans(cursor) + kept_quarters.purge_orphans(cursor)


@contextmanager
def counted_once(season: Season):
    """Write most of `season` inside; its figures, then its units' tallies, are counted once at the
    end, in the same transaction. Only this season's subjects and plans may be written inside (PostgreSQL's
    triggers stand aside for every season meanwhile; SQLite's run, and the count replaces theirs)."""
    with transaction.atomic(), connection.cursor() as cursor:
        postgresql = connection.vendor == "postgresql"
        if postgresql:
            cursor.execute(f"SET LOCAL {DEFERRED} = 'on'")
        yield
        recount_with_tallies(cursor, connection.vendor, season.pk)
        if postgresql:  # the season's rows are new: without statistics the dashboard's reads scan them all
            cursor.execute(f"ANALYZE {TABLE}, reviews_unittally")


# R-STAT-3: a member counts as a committee member in the figures of a unit when they sit, at the
# reference date, on the committee of an organization of that unit's subtree. Such units are the
# ones above both the member's cell and the organization, so the member's reach is the length of
# the path the two share (the longest, over their seats); the triggers key each unit's row by
# whether its path is no longer than that.
COMMITTEE_REACH_UPDATE = """
UPDATE reviews_subject SET committee_reach = COALESCE((
    SELECT MAX(l.len)
    FROM members_committeeseat cs
    JOIN reviews_seasonunit u ON u.organization_id = cs.organization_id AND u.season_id = %(season)s,
        ({lengths}) l
    WHERE cs.member_id = reviews_subject.member_id
      AND cs.starts_on <= %(day)s AND (cs.ends_on IS NULL OR cs.ends_on >= %(day)s)
      AND l.len <= length(u.path) AND l.len <= length(reviews_subject.path)
      AND substr(u.path, 1, l.len) = substr(reviews_subject.path, 1, l.len)
), 0)
WHERE reviews_subject.season_id = %(season)s AND reviews_subject.kind = 'member'
  AND reviews_subject.member_id IN (
    SELECT member_id FROM members_committeeseat
    WHERE starts_on <= %(day)s AND (ends_on IS NULL OR ends_on >= %(day)s))
"""


def mark_committee_reach(cursor, season_id: int, day) -> None:
    """Set each member subject's committee reach (the opening; the migration for open seasons)."""
    cursor.execute(COMMITTEE_REACH_UPDATE.format(lengths=prefix_lengths()), {"season": season_id, "day": day})
