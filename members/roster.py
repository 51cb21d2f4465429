"""Roster import: party members from an .xlsx or .csv file, all rows or none.

Every row is read and checked first, against lookups loaded once (the cells by code, the card
numbers already taken). Only a file without a single error is written, in one transaction, together
with each member's status and cell history: COPY on PostgreSQL (members/bulk.py) writes 100,000
members in about 9 seconds, after 2 to 3 seconds of checking (bench/bench_import.py).
"""

import csv
import datetime
import gc
import io
import posixpath
import re
import unicodedata
import uuid
import zipfile
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

import openpyxl
import python_calamine
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from members.bulk import analyze, bulk_insert
from members.models import CellPeriod, Gender, Member, Status, StatusPeriod
from members.names import fold
from members.unpacking import Damaged, TooLarge, check_unpacked_sizes
from organizations.access import Access, get_scope
from organizations.models import CELL_KINDS, Kind, Organization

INSERT_BATCH = 5000
CARD_LOOKUP_CHUNK = 5000


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    parse: str
    required: bool = False
    # A column whose absence would silently change meaning must be present even if its cells may be empty.
    column_required: bool = False


COLUMNS = (
    Column("cell", "Mã chi bộ", "code", required=True),
    Column("family_name", "Họ", "text", required=True),
    Column("middle_name", "Tên đệm", "text"),
    Column("given_name", "Tên", "text", required=True),
    Column("gender", "Giới tính", "gender", required=True),
    Column("birth_date", "Ngày sinh", "date", required=True),
    Column("card_number", "Số thẻ đảng viên", "card", required=True),
    Column("admitted_on", "Ngày vào Đảng", "date", required=True),
    Column("official_on", "Ngày chính thức", "date", column_required=True),
    Column("party_post", "Chức vụ Đảng", "text"),
    Column("civil_service_post", "Chức vụ chính quyền", "text"),
    Column("workplace", "Đơn vị công tác", "text"),
    Column("is_leader", "Lãnh đạo, quản lý", "flag"),
    Column("is_civil_servant", "Cán bộ, công chức, viên chức", "flag"),
)
FIELDS = tuple(column.field for column in COLUMNS)
_CELL, _CARD = FIELDS.index("cell"), FIELDS.index("card_number")
# What a row holds for a column left out of the file.
_DEFAULTS = tuple({"text": "", "flag": False}.get(column.parse) for column in COLUMNS)
_BIRTH, _ADMITTED, _OFFICIAL = (FIELDS.index(f) for f in ("birth_date", "admitted_on", "official_on"))
EXAMPLE_ROW = (
    "VD-CB01",
    "Nguyễn",
    "Thị",
    "Hường",
    "Nữ",
    "17/05/1980",
    "012345678",
    "02/03/2005",
    "02/03/2006",
    "Chi ủy viên",
    "Giáo viên",
    "Trường THPT An Bình",
    "Không",
    "Có",
)

_GENDERS = {"nam": Gender.MALE, "nu": Gender.FEMALE}
_FLAGS = {"co": True, "khong": False}
_DAY_FIRST = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_MAGIC = (
    (b"%PDF", "PDF"),
    (b"\x89PNG", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF8", "GIF"),
    (b"\xd0\xcf\x11\xe0", "XLS/DOC"),
    (b"PK\x03\x04", "ZIP"),
)


@dataclass(frozen=True)
class RosterError:
    """One problem, where the user sees it: the spreadsheet row (None for the whole file) and column."""

    row: int | None
    column: str
    message: str


@dataclass(frozen=True)
class CellCount:
    code: str
    name: str
    count: int


@dataclass
class RosterResult:
    errors: list[RosterError] = field(default_factory=list)
    cells: list[CellCount] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def imported(self) -> bool:
        return self.ok and not self.dry_run

    @property
    def total(self) -> int:
        return sum(cell.count for cell in self.cells)


class RosterFileError(Exception):
    """The file cannot be read as a roster at all; the message says why, to the user."""


class _CellError(Exception):
    pass


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


# Reading the file ---------------------------------------------------------------------------


def _read_rows(*, file, filename: str):
    """(row number as the spreadsheet shows it, values) for every row, blank ones included."""
    limit = settings.IMPORT_MAX_BYTES
    size = getattr(file, "size", None)
    data = b"" if size is not None and size > limit else file.read(limit + 1)
    if (size is not None and size > limit) or len(data) > limit:
        raise RosterFileError(
            _("The file is larger than %(size)s MB; split it into several files.")
            % {"size": _megabytes(limit)}
        )
    if not data.strip():
        raise RosterFileError(_("The file is empty."))
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension == "xlsx":
        return _xlsx_rows(data)
    if extension == "csv":
        return _csv_rows(data)
    if extension == "xls":
        raise RosterFileError(_("The old Excel format (.xls) cannot be read; save the file as .xlsx."))
    raise RosterFileError(_("Only .xlsx and .csv files can be imported."))


def _megabytes(size: int) -> str:
    megabytes = size / (1024 * 1024)
    return number_format(megabytes, decimal_pos=0 if megabytes.is_integer() else 1)


def _not_a_spreadsheet(data: bytes) -> RosterFileError:
    kind = next((name for magic, name in _MAGIC if data.startswith(magic)), None)
    if kind and kind != "ZIP":
        return RosterFileError(
            _(
                "The file is not a spreadsheet: it looks like a %(kind)s file renamed. "
                "Upload an .xlsx or .csv file."
            )
            % {"kind": kind}
        )
    return RosterFileError(_("The file is not a spreadsheet that can be read. Upload an .xlsx or .csv file."))


def _xlsx_rows(data: bytes):
    if not data.startswith(b"PK\x03\x04"):
        raise _not_a_spreadsheet(data)
    try:
        check_unpacked_sizes(data)
    except TooLarge as exc:
        raise RosterFileError(str(exc)) from None
    except Damaged:
        raise _not_a_spreadsheet(b"") from None
    rows = _calamine_rows(data)
    if rows is not None:
        return enumerate(rows, start=1)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds of error for a damaged or foreign zip
        raise _not_a_spreadsheet(b"") from None
    return _xlsx_values(workbook)


def _xlsx_values(workbook):
    try:
        sheet = workbook.worksheets[0]
        # Some programs write a wrong sheet size; without this, read-only mode would cut rows short.
        sheet.reset_dimensions()
        yield from enumerate(sheet.iter_rows(values_only=True), start=1)
    except Exception:  # a damaged sheet only shows up while reading it
        raise _not_a_spreadsheet(b"") from None
    finally:
        workbook.close()


# openpyxl takes 11 seconds to read a 100,000-row roster, calamine (Rust) one and a half. But
# calamine shows a formula's cached result where openpyxl shows the formula, shows an error value
# (#N/A) as an empty cell, and holds the sheet in memory as one rectangle from A1 to its farthest
# cell. So a quick pass over the sheet's XML comes first. It counts the values, each of which must
# then show (or calamine misread the sheet); it looks for formulas and error values, which are
# then located and shown as openpyxl shows them; and it sends a sheet that calamine could misread
# or would need too much memory for to openpyxl, as it does anything unusual.

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
_SHEET_ROOT = re.compile(rb'<worksheet\b[^>]*\sxmlns="' + re.escape(_MAIN_NS.encode()) + rb'"')
# A cell right of column Z or below row 299,999: no roster, and a rectangle of millions of cells.
_FAR_CELL = re.compile(rb'<c r="[A-Z](?:[A-Z]|[3-9]\d{5}|\d{7})')
_MAX_VALUES = 26 * 300_000
_FORMULA = re.compile(rb"<f[\s/>]")
_ERROR_TYPE = b' t="e"'


class _Unusual(Exception):
    """Something the fast reader leaves to openpyxl."""


@dataclass(frozen=True)
class _Survey:
    values: int  # value elements: cells with a value (or a formula's cached result)
    marked: bool  # whether some cell may hold a formula or an error value


def _calamine_rows(data: bytes) -> list[list] | None:
    """The first worksheet's rows from A1 as calamine reads them, "" for an empty cell; None when
    openpyxl should read the file (it also gives the error for a damaged one)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            name, part = _first_worksheet(archive)
            survey = _survey_sheet(archive, part)
            marked = _marked_cells(archive, part) if survey.marked else {}
        with python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)) as workbook:
            rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except Exception:  # _Unusual, or what a damaged file raises: openpyxl decides
        return None
    except BaseException as exc:  # a Rust panic reaches Python as pyo3's PanicException
        if type(exc).__name__ == "PanicException":
            return None
        raise
    # Every value written must show: a cell calamine missed would read as an empty one.
    expected = survey.values - sum(has_value for _shown, has_value in marked.values())
    shown = sum(len(row) - row.count("") for row in rows)
    for row, column in marked:
        if row < len(rows) and column < len(rows[row]) and rows[row][column] != "":
            shown -= 1
    if shown != expected:
        return None
    for (row, column), (value, _has_value) in marked.items():
        while len(rows) <= row:
            rows.append([])
        if len(rows[row]) <= column:
            rows[row].extend([""] * (column + 1 - len(rows[row])))
        rows[row][column] = value
    return rows


def _first_worksheet(archive: zipfile.ZipFile) -> tuple[str, str]:
    """The name and the zip path of the workbook's first sheet (openpyxl's worksheets[0])."""
    workbook = next(
        path
        for kind, path in _relationships(archive, "").values()
        if kind == f"{_RELATIONSHIPS}/officeDocument"
    )
    first = ET.fromstring(archive.read(workbook)).find(f"{{{_MAIN_NS}}}sheets")[0]
    kind, path = _relationships(archive, workbook)[first.get(f"{{{_RELATIONSHIPS}}}id")]
    if kind != f"{_RELATIONSHIPS}/worksheet":  # a chart sheet first: openpyxl skips it
        raise _Unusual
    return first.get("name"), path


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """The relationships of a part of the package ("" for the package): id → (type, zip path)."""
    folder, name = posixpath.split(part)
    root = ET.fromstring(archive.read(posixpath.join(folder, "_rels", f"{name}.rels")))
    found = {}
    for relationship in root.iter(f"{{{_PACKAGE_RELATIONSHIPS}}}Relationship"):
        target = relationship.get("Target", "")
        path = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        found[relationship.get("Id")] = (relationship.get("Type"), path)
    return found


def _survey_sheet(archive: zipfile.ZipFile, part: str) -> _Survey:
    """Count the values and look for formulas, error values and cells calamine could misplace.

    Plain byte searches over the XML as Excel and openpyxl write it (a half second for 100,000
    rows); a sheet written otherwise fails one of them and goes to openpyxl."""
    values = cells = referenced = 0
    marked = False
    with archive.open(part) as stream:
        for index, piece in enumerate(_xml_pieces(stream)):
            if (index == 0 and not _SHEET_ROOT.search(piece)) or _FAR_CELL.search(piece):
                raise _Unusual
            marked = marked or _ERROR_TYPE in piece or _FORMULA.search(piece) is not None
            values += piece.count(b"<v>") + piece.count(b"<is>")
            cells += piece.count(b"<c ") + piece.count(b"<c>")
            referenced += piece.count(b'<c r="')
    # A cell without a reference goes wherever the reader counts it to.
    if cells != referenced or values > _MAX_VALUES:
        raise _Unusual
    return _Survey(values=values, marked=marked)


def _xml_pieces(stream, size: int = 1 << 20):
    """The stream in pieces of about `size` bytes, each cut before a "<" so that no tag is split.

    Only the new chunk is searched for the cut, and a stretch without "<" grows in a bytearray:
    the work is linear in the part's size (searching the whole held-back text again on each read
    was quadratic in a long stretch without tags)."""
    rest = bytearray()
    while chunk := stream.read(size):
        cut = chunk.rfind(b"<")
        if cut < 0 or (cut == 0 and not rest):
            rest += chunk
            continue
        rest += chunk[:cut]
        yield bytes(rest)
        rest = bytearray(chunk[cut:])
    if rest:
        yield bytes(rest)


def _marked_cells(archive: zipfile.ZipFile, part: str) -> dict[tuple[int, int], tuple[object, bool]]:
    """Formula and error cells by (row, column) from 0: the value openpyxl shows ("=" and the
    formula, or the error such as "#N/A") and whether the cell has a value element."""
    cell, formula, value = (f"{{{_MAIN_NS}}}{tag}" for tag in ("c", "f", "v"))
    row = f"{{{_MAIN_NS}}}row"
    marked = {}
    with archive.open(part) as stream:
        for _event, element in ET.iterparse(stream):
            if element.tag == cell:
                text = element.find(formula)
                cached = element.find(value)
                if text is not None:
                    shown = "=" + (text.text or "")
                elif element.get("t") == "e":
                    shown = cached.text if cached is not None else None
                else:
                    continue
                number, column = coordinate_to_tuple(element.get("r"))
                marked[number - 1, column - 1] = (shown, cached is not None)
            elif element.tag == row:
                element.clear()
    return marked


def _csv_rows(data: bytes):
    if data.startswith(b"PK\x03\x04"):  # an Excel workbook saved under a .csv name
        return _xlsx_rows(data)
    not_utf8 = RosterFileError(
        _("The CSV file is not UTF-8 text. In Excel, save it as “CSV UTF-8 (Comma delimited)”.")
    )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16, Excel's "Unicode text"
        raise not_utf8
    if any(data.startswith(magic) for magic, _name in _MAGIC) or b"\x00" in data:
        raise _not_a_spreadsheet(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise not_utf8 from None
    if _CONTROL.search(text):
        raise _not_a_spreadsheet(b"")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_guess_delimiter(text))
    return _csv_values(reader)


def _csv_values(reader):
    number = 0
    try:
        for number, values in enumerate(reader, start=1):
            yield number, values
    except csv.Error as exc:
        raise RosterFileError(
            _("The CSV file is damaged near row %(row)d (%(reason)s).") % {"row": number + 1, "reason": exc}
        ) from None


def _guess_delimiter(text: str) -> str:
    """The separator that splits the header line into the most known titles (titles contain commas)."""
    first = next((line for line in io.StringIO(text) if line.strip()), "")
    known = {_header_key(column.header) for column in COLUMNS}

    def score(delimiter):
        titles = next(csv.reader([first], delimiter=delimiter), [])
        return (sum(_header_key(t) in known for t in titles), len(titles))

    return max((",", ";", "\t"), key=score)


def _header_key(text) -> str:
    return " ".join(re.sub(r"\W+", " ", fold(str(text or ""))).split())


# Checking the rows --------------------------------------------------------------------------


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


@dataclass(frozen=True)
class _Invalid:
    message: str


def _column_parser(column: Column, today: datetime.date):
    """A function turning one cell of `column` into its value or an _Invalid.

    Most columns repeat a few values (dates, names, Nam/Nữ), so results are remembered: a
    100,000-row file is then checked mostly by dictionary lookups.
    """

    def parse(value):
        try:
            return _parse_cell(value, column, today)
        except _CellError as exc:
            return _Invalid(str(exc))

    if column.parse == "card":  # unique per row: nothing to remember
        pattern = re.compile(settings.MEMBER_CARD_PATTERN)

        def card(value):
            # Most cards are digits typed as text, which _parse_card would return unchanged.
            if value.__class__ is str and value.isdigit() and pattern.fullmatch(value):
                return value
            return parse(value)

        return card
    cache = {}

    def remembered(value):
        # Texts (most cells) are their own key; other values keep their type, so that 1, 1.0 and
        # True stay apart.
        key = value if value.__class__ is str else (value.__class__, value)
        try:
            return cache[key]
        except KeyError:
            result = cache[key] = parse(value)
            return result
        except TypeError:  # an unhashable cell value
            return parse(value)

    return remembered


def _parse_cell(value, column: Column, today: datetime.date):
    if isinstance(value, ArrayFormula | DataTableFormula) or (
        isinstance(value, str) and value.startswith("=")
    ):
        raise _CellError(_("This cell holds a formula; type the value itself."))
    kind = column.parse
    if kind == "date":
        parsed = _parse_date(value, today)
    elif kind == "card":
        parsed = _parse_card(value)
    elif kind == "flag":
        parsed = _parse_flag(value)
    else:
        parsed = _text(value)
        if kind == "gender" and parsed:
            parsed = _GENDERS.get(fold(parsed))
            if parsed is None:
                raise _CellError(_("Write the gender as Nam or Nữ."))
        elif kind == "text" and len(parsed) > _max_length(column.field):
            raise _CellError(
                _("This text is too long: at most %(max)d characters.") % {"max": _max_length(column.field)}
            )
    if column.required and parsed in ("", None):
        raise _CellError(_("This cell is empty; “%(title)s” is required.") % {"title": column.header})
    return parsed


def _max_length(field_name: str) -> int:
    return Member._meta.get_field(field_name).max_length


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, datetime.datetime | datetime.date):
        value = value.strftime("%d/%m/%Y")
    return " ".join(unicodedata.normalize("NFC", str(value)).split())


def _parse_date(value, today: datetime.date) -> datetime.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime.datetime):
        day = value.date()
    elif isinstance(value, datetime.date):
        day = value
    else:
        text = _text(value)
        day = _parse_date_text(text)
    shown = day.strftime("%d/%m/%Y")
    if day.year < 1900:
        raise _CellError(_("The date %(date)s is before 1900; check the year.") % {"date": shown})
    if day > today:
        raise _CellError(_("The date %(date)s is in the future.") % {"date": shown})
    return day


def _parse_date_text(text: str) -> datetime.date:
    if match := _DAY_FIRST.fullmatch(text):
        day, month, year = (int(part) for part in match.groups())
    elif match := _ISO_DATE.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
    else:
        raise _CellError(
            _("“%(value)s” is not a date; write dates as dd/mm/yyyy, for example 17/05/1980.")
            % {"value": text}
        )
    if not 1 <= month <= 12:
        raise _CellError(
            _("%(value)s is not a valid date: there is no month %(month)d. Write the day first (dd/mm/yyyy).")
            % {"value": text, "month": month}
        )
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise _CellError(
            _("%(value)s is not a valid date: that month has no day %(day)d.") % {"value": text, "day": day}
        ) from None


def _parse_card(value) -> str:
    from_number = isinstance(value, int | float) and not isinstance(value, bool)
    if isinstance(value, datetime.date | bool) or (isinstance(value, float) and not value.is_integer()):
        raise _CellError(_("This is not a party card number."))
    card = _text(value)
    if not card or re.fullmatch(settings.MEMBER_CARD_PATTERN, card):
        return card
    if not card.isdigit():
        raise _CellError(
            _("The party card number “%(value)s” contains letters or other characters; use digits only.")
            % {"value": card}
        )
    if from_number:
        raise _CellError(
            _(
                "The party card number %(value)s has the wrong number of digits. The cell is a number, "
                "which drops leading zeros: format the column as Text."
            )
            % {"value": card}
        )
    raise _CellError(_("The party card number %(value)s has the wrong number of digits.") % {"value": card})


def _parse_flag(value) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value)
    if not text:
        return False
    flag = _FLAGS.get(fold(text))
    if flag is None:
        raise _CellError(_("Write Có or Không."))
    return flag


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


# Checking against the database --------------------------------------------------------------


def _check_against_database(
    *, parsed, titles: dict, errors: list[RosterError], user
) -> dict[str, Organization]:
    """Add the errors only the database can tell; return the usable cells by code."""
    cell_title, card_title = titles["cell"], titles["card_number"]
    codes = {values[_CELL] for _number, values in parsed if values[_CELL]}
    cells, problems = _resolve_cells(codes=codes, user=user)
    rows_by_card = defaultdict(list)
    for number, values in parsed:
        if values[_CELL] in problems:
            errors.append(RosterError(row=number, column=cell_title, message=problems[values[_CELL]]))
        if values[_CARD]:
            rows_by_card[values[_CARD]].append(number)
    taken = _taken_cards(list(rows_by_card))
    for card, numbers in rows_by_card.items():
        if card in taken:
            message = _("A party member with the card number %(card)s is already recorded.") % {"card": card}
            errors.extend(RosterError(row=n, column=card_title, message=message) for n in numbers)
        elif len(numbers) > 1:
            message = _("The card number %(card)s appears more than once in the file: rows %(rows)s.") % {
                "card": card,
                "rows": ", ".join(str(n) for n in numbers),
            }
            errors.extend(RosterError(row=n, column=card_title, message=message) for n in numbers)
    return cells


def _resolve_cells(*, codes: set[str], user) -> tuple[dict[str, Organization], dict[str, str]]:
    found = {
        org.code: org
        for org in Organization.objects.filter(code__in=codes).only(
            "id", "code", "name", "kind", "path", "dissolved_on"
        )
    }
    scope = get_scope(user) if user is not None else None
    cells, problems = {}, {}
    for code in codes:
        org = found.get(code)
        # To a scoped user, an unknown code and someone else's cell read the same: the file must not
        # reveal which organizations exist outside the user's part of the tree.
        if scope is not None and (org is None or scope.level(org.path) < Access.MANAGE):
            problems[code] = _("%(code)s is not the code of a party cell you manage.") % {"code": code}
        elif org is None:
            problems[code] = _("There is no party organization with the code %(code)s.") % {"code": code}
        elif org.kind not in CELL_KINDS:
            problems[code] = _("%(code)s (%(name)s) is a %(kind)s, not a party cell.") % {
                "code": code,
                "name": org.name,
                "kind": Kind(org.kind).label,
            }
        elif org.dissolved_on:
            problems[code] = _("The cell %(code)s (%(name)s) was dissolved on %(date)s.") % {
                "code": code,
                "name": org.name,
                "date": org.dissolved_on.strftime("%d/%m/%Y"),
            }
        else:
            cells[code] = org
    return cells, problems


def _taken_cards(cards: list[str]) -> set[str]:
    if connection.vendor == "postgresql":
        # One array parameter: 5,000 placeholders per query cost a second of Python per 100,000 cards.
        column = connection.ops.quote_name(Member._meta.get_field("card_number").column)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {column} FROM {connection.ops.quote_name(Member._meta.db_table)} "
                f"WHERE {column} = ANY(%s)",
                [cards],
            )
            return {card for (card,) in cursor.fetchall()}
    taken = set()
    for start in range(0, len(cards), CARD_LOOKUP_CHUNK):
        chunk = cards[start : start + CARD_LOOKUP_CHUNK]
        taken.update(Member.objects.filter(card_number__in=chunk).values_list("card_number", flat=True))
    return taken


# Writing ------------------------------------------------------------------------------------


# The columns of a member row as _insert_members builds it, and the parsed fields it reads.
_MEMBER_FIELDS = [
    "uid", "family_name", "middle_name", "given_name", "full_name", "sort_key", "search_text", "gender",
    "birth_date", "card_number", "admitted_on", "official_on", "cell_id", "status", "civil_service_post",
    "party_post", "workplace", "is_leader", "is_civil_servant", "created_at",
]  # fmt: skip
_FAMILY, _MIDDLE, _GIVEN, _GENDER = (
    FIELDS.index(f) for f in ("family_name", "middle_name", "given_name", "gender")
)
_PARTY_POST, _CIVIL_POST, _WORKPLACE, _LEADER, _CIVIL_SERVANT = (
    FIELDS.index(f)
    for f in ("party_post", "civil_service_post", "workplace", "is_leader", "is_civil_servant")
)


@transaction.atomic
def _insert_members(*, parsed, cells: dict[str, Organization], user) -> None:
    """The members, then each one's status period (active) and cell period, both from the admission
    date: three bulk inserts per batch, COPY on PostgreSQL (members/bulk.py).

    PostgreSQL checks the 400,000 foreign keys at COMMIT. Checking them statement by statement
    instead (SET CONSTRAINTS ALL IMMEDIATE, as reviews/scope/members.py does) measured no faster here."""
    recorded_by_id = user.pk if user is not None and user.is_authenticated else None
    derive = _derived_names()
    now = timezone.now()
    active = Status.ACTIVE.value
    for start in range(0, len(parsed), INSERT_BATCH):
        members, starts = [], []
        for _number, values in parsed[start : start + INSERT_BATCH]:
            family, middle, given, card = values[_FAMILY], values[_MIDDLE], values[_GIVEN], values[_CARD]
            full_name, sort_key, search_prefix = derive(family, middle, given)
            cell_id, admitted = cells[values[_CELL]].pk, values[_ADMITTED]
            members.append(
                (
                    uuid.uuid4(),  # per row: bulk_insert computes a column's default only once
                    family,
                    middle,
                    given,
                    full_name,
                    sort_key,
                    (search_prefix + card)[:255],
                    values[_GENDER],
                    values[_BIRTH],
                    card,
                    admitted,
                    values[_OFFICIAL],
                    cell_id,
                    active,
                    values[_CIVIL_POST],
                    values[_PARTY_POST],
                    values[_WORKPLACE],
                    values[_LEADER],
                    values[_CIVIL_SERVANT],
                    now,
                )
            )
            starts.append((cell_id, admitted))
        member_ids = bulk_insert(Member, _MEMBER_FIELDS, members, ids=True)
        bulk_insert(
            StatusPeriod,
            ["member_id", "status", "starts_on", "note", "recorded_by_id"],
            [
                (pk, active, admitted, "", recorded_by_id)
                for pk, (_cell, admitted) in zip(member_ids, starts, strict=True)
            ],
        )
        bulk_insert(
            CellPeriod,
            ["member_id", "cell_id", "starts_on"],
            [(pk, cell_id, admitted) for pk, (cell_id, admitted) in zip(member_ids, starts, strict=True)],
        )
        analyze(Member, StatusPeriod, CellPeriod)


def _derived_names():
    """A function (family, middle, given) → (full name, sort key, search text without the card).

    bulk inserts skip Member.save(), so the computed columns come from Member.fill_derived_fields
    here, once per distinct name: names repeat a lot.
    """
    scratch = Member(card_number="")
    known = {}

    def derive(family: str, middle: str, given: str) -> tuple[str, str, str]:
        key = (family, middle, given)
        try:
            return known[key]
        except KeyError:
            scratch.family_name, scratch.middle_name, scratch.given_name = key
            scratch.fill_derived_fields()
            result = known[key] = (scratch.full_name, scratch.sort_key, scratch.search_text)
            return result

    return derive


# Templates ----------------------------------------------------------------------------------


def build_roster_template_xlsx() -> bytes:
    """A workbook with the titles and one example row, the code, card and date columns as text."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Danh sách"
    sheet.append([column.header for column in COLUMNS])
    sheet.append(list(EXAMPLE_ROW))
    sheet.freeze_panes = "A2"
    choices = {"gender": '"Nam,Nữ"', "flag": '"Có,Không"'}
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.cell(row=1, column=index).font = Font(bold=True)
        sheet.column_dimensions[letter].width = max(12, len(column.header) + 4)
        if column.parse in ("code", "card", "date"):
            # Text, so Excel keeps leading zeros and does not reinterpret dd/mm as mm/dd.
            sheet.column_dimensions[letter].number_format = "@"
            sheet.cell(row=2, column=index).number_format = "@"
        if column.parse in choices:
            validation = DataValidation(type="list", formula1=choices[column.parse], allow_blank=True)
            validation.add(f"{letter}2:{letter}1048576")
            sheet.add_data_validation(validation)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def build_roster_template_csv() -> bytes:
    """UTF-8 with a byte-order mark, so that Excel opens the Vietnamese titles correctly."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow([column.header for column in COLUMNS])
    writer.writerow(EXAMPLE_ROW)
    return buffer.getvalue().encode("utf-8-sig")
