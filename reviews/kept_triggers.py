"""The triggers that keep a table from the changes of one other table, on both vendors: a
PostgreSQL function run once per statement over the statement's transition tables, or SQLite
triggers run once per row. Used by the units' tallies (reviews/kept_tallies.py) and the quarters'
figures (reviews/quarters/kept.py); the season's figures, kept from two tables, build their own
(reviews/kept_figures.py)."""

from collections.abc import Callable
from dataclasses import dataclass

from reviews.kept_figures import DEFERRED, statement_triggers

EVENTS = ("insert", "update", "delete")


@dataclass(frozen=True)
class KeptFrom:
    """`upsert(vendor, source)` run over the rows a write changed in `table`, given as `rows`: their
    `columns` with a sign, +1 for a new row and -1 for an old one (an update is both); SQLite's
    triggers watch those columns' updates. With `deferrable`, the PostgreSQL function stands aside
    while `kept_figures.counted_once` or `rebuild` count once (DEFERRED)."""

    table: str
    name: str  # the triggers are {table}_{name}_{event}
    function: str
    upsert: Callable[[str, str], str]
    columns: tuple[str, ...]
    deferrable: bool = False

    def rows(self, ref: str, sign: int, source: str = "") -> str:
        """The columns of `ref` (a table, an alias, NEW or OLD) with `sign`, then `source`."""
        columns = ", ".join(f"{ref}.{c} AS {c}" for c in self.columns)
        return f"SELECT {columns}, {sign} AS sign {source}"

    def statements(self, vendor: str) -> list[str]:
        upsert = self.upsert
        if vendor == "postgresql":
            new, old = self.rows("t", 1, "FROM new_rows t"), self.rows("t", -1, "FROM old_rows t")
            skip = (
                f"IF current_setting('{DEFERRED}', true) = 'on' THEN RETURN NULL; END IF;"
                if self.deferrable
                else ""
            )
            function = f"""CREATE OR REPLACE FUNCTION {self.function}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {skip}
    IF TG_OP = 'INSERT' THEN {upsert(vendor, new)};
    ELSIF TG_OP = 'UPDATE' THEN {upsert(vendor, f"{new} UNION ALL {old}")};
    ELSE {upsert(vendor, old)};
    END IF;
    RETURN NULL;
END $$"""
            return [function, *statement_triggers(self.table, self.function, self.name)]
        new, old = self.rows("NEW", 1), self.rows("OLD", -1)
        events = {
            "insert": ("INSERT", new),
            "update": (f"UPDATE OF {', '.join(self.columns)}", f"{new} UNION ALL {old}"),
            "delete": ("DELETE", old),
        }
        return [
            f"CREATE TRIGGER {self.table}_{self.name}_{event} AFTER {clause} ON {self.table} FOR EACH ROW "
            f"BEGIN {upsert(vendor, source)}; END"
            for event, (clause, source) in events.items()
        ]

    def install(self, schema_editor) -> None:
        for statement in self.statements(schema_editor.connection.vendor):
            schema_editor.execute(statement, params=None)

    def uninstall(self, schema_editor) -> None:
        postgresql = schema_editor.connection.vendor == "postgresql"
        on = f" ON {self.table}" if postgresql else ""
        for event in EVENTS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {self.table}_{self.name}_{event}{on}", params=None)
        if postgresql:
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {self.function}()", params=None)
