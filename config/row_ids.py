"""The numbers a request names rows by: in a URL, a form field or a query string.

A row id is 1 to 18 ASCII digits, which every value of a 64-bit id column fits. `str.isdigit()`
is not enough: it accepts "²" (on which `int()` raises) and "٣" (which `int()` reads as 3), and a
number of twenty digits, which SQLite refuses to compare with a column (OverflowError). A value
that is not a row id names no row: the page answers as for an unknown id.
"""

import re

ROW_ID = re.compile(r"[0-9]{1,18}")


def row_id(value) -> int | None:
    """The row id `value` says, or None."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 0 <= value < 10**18 else None
    if isinstance(value, str) and ROW_ID.fullmatch(value):
        return int(value)
    return None


def row_ids(values) -> list[int]:
    """The values that are row ids, in their order; the others are left out."""
    return [n for n in map(row_id, values) if n is not None]


class RowIdConverter:
    """`<id:name>` in a URL: a row id, else the URL matches nothing (404)."""

    regex = ROW_ID.pattern

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)
