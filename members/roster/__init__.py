"""Roster import: party members from an .xlsx or .csv file, all rows or none.

Every row is read and checked first, against lookups loaded once (the cells by code, the card
numbers already taken). Only a file without a single error is written, in one transaction, together
with each member's status and cell history: COPY on PostgreSQL (members/bulk.py) writes 100,000
members in about 9 seconds, after 2 to 3 seconds of checking (bench/bench_import.py).

The package: columns.py holds the columns and the result; reading.py reads the upload into rows;
row_checks.py checks the header and every row, values.py each cell; database.py checks the rows
against the database and inserts them; importing.py holds `import_roster`, which runs them in
order; templates.py builds the templates to download.
"""

from members.roster.columns import (
    COLUMNS,
    EXAMPLE_ROW,
    FIELDS,
    CellCount,
    Column,
    RosterError,
    RosterFileError,
    RosterResult,
)
from members.roster.importing import import_roster
from members.roster.templates import build_roster_template_csv, build_roster_template_xlsx

__all__ = [
    "COLUMNS",
    "EXAMPLE_ROW",
    "FIELDS",
    "CellCount",
    "Column",
    "RosterError",
    "RosterFileError",
    "RosterResult",
    "build_roster_template_csv",
    "build_roster_template_xlsx",
    "import_roster",
]
