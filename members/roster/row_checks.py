"""Checking the rows read: the header matched to COLUMNS, every row parsed cell by cell
(values.py), each problem kept as a RosterError at its row and column.
"""

from django.conf import settings
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from members.roster.columns import (
    _ADMITTED,
    _BIRTH,
    _DEFAULTS,
    _OFFICIAL,
    COLUMNS,
    FIELDS,
    RosterError,
    RosterFileError,
    _header_key,
)
from members.roster.values import _column_parser, _Invalid


def _is_blank(values) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _check_rows(rows):
    """Errors, the parsed rows as (row number, values in FIELDS order) and the file's title of each
    field. The rows are None when the header is wrong: nothing below it can be read then."""
    errors: list[RosterError] = []
    header_row, header = next(((n, v) for n, v in rows if not _is_blank(v)), (None, None))
    if header is None:
        raise RosterFileError(_("The file is empty."))
    positions, titles = _match_header(header_row, header, errors)
    if errors:
        return errors, None, titles
    unlabeled = [index for index, title in enumerate(header) if not _header_key(title)]
    width = len(header)
    today = timezone.localdate()
    parsers = [
        (index, FIELDS.index(column.field), titles[column.field], _column_parser(column, today))
        for column, index in positions
    ]
    max_rows = settings.IMPORT_MAX_ROWS
    parsed = []
    for number, values in rows:
        if not any(values) or _is_blank(values):
            continue
        if len(parsed) >= max_rows:
            raise RosterFileError(
                _("The file has more than %(max)s rows of members; split it into several files.")
                % {"max": number_format(max_rows, force_grouping=True)}
            )
        row = list(_DEFAULTS)
        length = len(values)
        for index, position, title, parse in parsers:
            value = parse(values[index] if index < length else None)
            if value.__class__ is _Invalid:
                errors.append(RosterError(row=number, column=title, message=value.message))
            else:
                row[position] = value
        if unlabeled or length > width:
            _check_unlabeled(number, values, [*unlabeled, *range(width, length)], errors)
        _check_row_dates(number, row, titles, errors)
        parsed.append((number, row))
    if not parsed:
        raise RosterFileError(_("The file has a header row but no members under it."))
    return errors, parsed, titles


def _match_header(header_row: int, header, errors: list[RosterError]):
    """[(column, index in the row)] and the file's own title for each field."""
    by_key = {_header_key(column.header): column for column in COLUMNS}
    positions, titles = [], {}
    for index, title in enumerate(header):
        key = _header_key(title)
        if not key:
            continue
        title = " ".join(str(title).split())
        column = by_key.get(key)
        if column is None:
            errors.append(
                RosterError(
                    row=header_row,
                    column=title,
                    message=_("Unknown column “%(title)s”: remove it or correct its title.")
                    % {"title": title},
                )
            )
        elif column.field in titles:
            errors.append(
                RosterError(
                    row=header_row,
                    column=title,
                    message=_("The column “%(title)s” appears twice.") % {"title": title},
                )
            )
        else:
            positions.append((column, index))
            titles[column.field] = title
    for column in COLUMNS:
        if (column.required or column.column_required) and column.field not in titles:
            errors.append(
                RosterError(
                    row=header_row,
                    column=column.header,
                    message=_("The required column “%(title)s” is missing.") % {"title": column.header},
                )
            )
    return positions, titles


def _check_unlabeled(number: int, values, indexes, errors: list[RosterError]) -> None:
    for index in indexes:
        if index < len(values) and not _is_blank((values[index],)):
            errors.append(
                RosterError(
                    row=number,
                    column=_("column %(letter)s") % {"letter": get_column_letter(index + 1)},
                    message=_("This cell has a value but its column has no title; remove it."),
                )
            )


def _check_row_dates(number: int, row: list, titles: dict, errors: list[RosterError]) -> None:
    birth, admitted, official = row[_BIRTH], row[_ADMITTED], row[_OFFICIAL]
    if birth and admitted and admitted <= birth:
        errors.append(
            RosterError(
                row=number,
                column=titles["admitted_on"],
                message=_("The admission date is not after the birth date."),
            )
        )
    if admitted and official and official < admitted:
        errors.append(
            RosterError(
                row=number,
                column=titles["official_on"],
                message=_("The official date is before the admission date."),
            )
        )
