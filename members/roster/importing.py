"""`import_roster`: the file read, every row checked, then checked against the database, and all
rows inserted or none.
"""

import gc
from collections import Counter
from contextlib import contextmanager

from django.db import IntegrityError
from django.utils.translation import gettext as _

from members.roster.columns import _CELL, CellCount, RosterError, RosterFileError, RosterResult
from members.roster.database import _check_against_database, _insert_members
from members.roster.reading import _read_rows
from members.roster.row_checks import _check_rows


@contextmanager
def _cycle_collector_paused():
    """Python's cycle collector off while a file is imported. Otherwise it walks the rows read
    again and again as the parsed rows and then the insert tuples are created: close to a second
    of CPU per 100,000 rows. Reference counting still frees nearly everything."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@_cycle_collector_paused()
def import_roster(*, file, filename: str, user=None, dry_run: bool = False) -> RosterResult:
    """Check every row of the file and, if none is wrong and this is no dry run, insert them all.

    `user` limits the rows to cells the user manages; None (the command line) allows every cell.
    """
    try:
        rows = _read_rows(file=file, filename=filename)
        errors, parsed, titles = _check_rows(rows)
    except RosterFileError as exc:
        return RosterResult(errors=[RosterError(row=None, column="", message=str(exc))], dry_run=dry_run)
    if parsed is None:
        return RosterResult(errors=errors, dry_run=dry_run)
    cells = _check_against_database(parsed=parsed, titles=titles, errors=errors, user=user)
    if errors:
        # A stable sort: within a row, the errors stay in the order of the file's columns.
        errors.sort(key=lambda error: error.row or 0)
        return RosterResult(errors=errors, dry_run=dry_run)
    counts = Counter(values[_CELL] for _number, values in parsed)
    summary = sorted(
        (CellCount(code=code, name=cells[code].name, count=count) for code, count in counts.items()),
        key=lambda c: c.code,
    )
    if not dry_run:
        try:
            _insert_members(parsed=parsed, cells=cells, user=user)
        except IntegrityError:
            message = _(
                "Some of these card numbers were added by someone else while the file was being "
                "imported. Nothing was imported; upload the file again to see which rows."
            )
            return RosterResult(errors=[RosterError(row=None, column="", message=message)])
    return RosterResult(cells=summary, dry_run=dry_run)
