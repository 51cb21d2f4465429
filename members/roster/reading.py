"""Reading the uploaded file into (row number, values): its size and kind checked, an .xlsx read by
calamine after a survey of the sheet's XML (or by openpyxl), a .csv as UTF-8 with its separator
guessed.
"""

import csv
import io
import posixpath
import re
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree as ET

import openpyxl
import python_calamine
from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from openpyxl.utils.cell import coordinate_to_tuple

from members.roster.columns import COLUMNS, RosterFileError, _header_key
from members.unpacking import Damaged, TooLarge, check_unpacked_sizes

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_MAGIC = (
    (b"%PDF", "PDF"),
    (b"\x89PNG", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF8", "GIF"),
    (b"\xd0\xcf\x11\xe0", "XLS/DOC"),
    (b"PK\x03\x04", "ZIP"),
)


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
