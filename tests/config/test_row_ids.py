"""Numbers in requests that name no row: an id of twenty digits, a superscript two, a sign.

`str.isdigit()` says yes to "²", on which `int()` raises (a server error), and a number of twenty
digits passes `int()` but SQLite refuses to compare it with an id column. config/row_ids.py says
once what a row id is. The pages given such numbers: tests/reviews/views/test_numbers_in_requests.py;
the embedded default's walk asks every view with an id in its path with a twenty-digit one
(tests/test_embedded_default.py).
"""

import pytest
from django.urls import URLResolver, get_resolver
from django.urls.converters import IntConverter

from config.row_ids import RowIdConverter, row_id, row_ids

SUPERSCRIPT_TWO = "²"
TWENTY_DIGITS = "9" * 20


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0", 0),
        ("7", 7),
        ("9" * 18, 10**18 - 1),
        (12, 12),
        ("", None),
        (None, None),
        ("x", None),
        ("-1", None),
        (" 7", None),
        ("1_0", None),
        ("1e3", None),
        (SUPERSCRIPT_TWO, None),
        ("٣", None),  # an Arabic-Indic three, which int() reads as 3
        (TWENTY_DIGITS, None),
        ("9" * 19, None),
        (10**18, None),
        (True, None),
    ],
)
def test_a_row_id_is_one_to_eighteen_ascii_digits(value, expected):
    assert row_id(value) == expected


def test_row_ids_leave_out_what_names_no_row():
    assert row_ids(["3", SUPERSCRIPT_TWO, "x", "4", TWENTY_DIGITS, "3"]) == [3, 4, 3]


def _routes(resolver, prefix=""):
    """Every route of the URL configuration, with the converters of its parts."""
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        converters = dict(getattr(entry.pattern, "converters", {}))
        if isinstance(entry, URLResolver):
            for inner, inner_converters in _routes(entry, route):
                yield inner, {**converters, **inner_converters}
        else:
            yield route, converters


def test_every_id_in_a_url_is_a_row_id():
    """Django's `int` converter takes any number of digits; the project's URLs name rows with
    `<id:…>`, which takes at most eighteen. Years and quarters' numbers are checked by their
    views (a year of twenty digits answers 404 there)."""
    routes = list(_routes(get_resolver()))
    plain = sorted(
        f"{route} {name}"
        for route, converters in routes
        for name, converter in converters.items()
        if isinstance(converter, IntConverter) and name not in ("year", "number")
    )
    assert not plain
    with_ids = [
        route
        for route, converters in routes
        if any(isinstance(c, RowIdConverter) for c in converters.values())
    ]
    assert any("phieu/<id:subject>/" in route for route in with_ids)
