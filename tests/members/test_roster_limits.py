"""Bounded work for an uploaded workbook: a zip bomb is refused before any reader parses it, and
the unpacking stops at the limit whatever the zip declares (issue 13, row 1)."""

import io
import struct
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import gettext

from members import unpacking
from members.models import Member
from members.roster import import_roster, reading
from organizations.models import Role
from tests.factories import make_user_with_role

MB = 1024 * 1024
SHEET = "xl/worksheets/sheet1.xml"
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?><worksheet '
    'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    '<row r="1"><c r="A1" t="inlineStr"><is><t>'
)
SHEET_TAIL = "</t></is></c></row></sheetData></worksheet>"


def bomb(unpacked: int, declared: int | None = None) -> bytes:
    """A real workbook whose sheet holds one cell of `unpacked` spaces (a few KB once packed);
    `declared` rewrites the sheet's size in the zip's headers, as a forger would."""
    workbook = openpyxl.Workbook()
    workbook.active.append(["Mã chi bộ"])
    small = io.BytesIO()
    workbook.save(small)
    buffer = io.BytesIO()
    with zipfile.ZipFile(small) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != SHEET:
                target.writestr(info.filename, source.read(info.filename))
        with target.open(SHEET, "w") as sheet:
            sheet.write(SHEET_HEAD.encode())
            for _ in range(unpacked // MB):
                sheet.write(b" " * MB)
            sheet.write(SHEET_TAIL.encode())
    data = bytearray(buffer.getvalue())
    if declared is not None:
        _declare(data, declared)
    return bytes(data)


def _declare(data: bytearray, size: int) -> None:
    """Write `size` as the sheet's uncompressed size in its local header and central directory."""
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        offset = archive.getinfo(SHEET).header_offset
    struct.pack_into("<I", data, offset + 22, size)
    entry = data.index(b"PK\x01\x02")
    while data[entry + 46 : entry + 46 + len(SHEET)] != SHEET.encode():
        entry = data.index(b"PK\x01\x02", entry + 4)
    struct.pack_into("<I", data, entry + 24, size)


@pytest.fixture
def inflated(monkeypatch):
    """The bytes unpacked through the limit's own reader, counted by part."""
    count = {}
    original = unpacking.inflated_pieces

    def counting(data, info, limit):
        for piece in original(data, info, limit):
            count[info.filename] = count.get(info.filename, 0) + len(piece)
            yield piece

    monkeypatch.setattr(unpacking, "inflated_pieces", counting)
    return count


def refusal(limit_mb: int) -> str:
    return gettext(
        "The workbook holds a part (%(part)s) that unpacks to more than %(size)s MB, far more than "
        "a roster of %(rows)s rows needs. Copy the member rows alone into a new workbook, or split "
        "them into several files."
    ) % {"part": SHEET, "size": limit_mb, "rows": "200.000"}


def run(data: bytes):
    return import_roster(file=io.BytesIO(data), filename="bom.xlsx")


def test_a_sheet_declared_larger_than_the_limit_is_refused_without_unpacking_it(tree, settings, inflated):
    settings.IMPORT_MAX_UNPACKED_BYTES = 2 * MB
    data = bomb(64 * MB)
    assert len(data) < 200 * 1024  # the upload itself is small

    result = run(data)

    assert [error.message for error in result.errors] == [refusal(2)]
    assert inflated == {}
    assert not Member.objects.exists()


def test_a_sheet_that_lies_about_its_size_is_refused_once_the_limit_is_unpacked(tree, settings, inflated):
    settings.IMPORT_MAX_UNPACKED_BYTES = 2 * MB
    data = bomb(64 * MB, declared=1000)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.getinfo(SHEET).file_size == 1000

    result = run(data)

    assert [error.message for error in result.errors] == [refusal(2)]
    assert 2 * MB < inflated[SHEET] <= 2 * MB + 64 * 1024  # one piece past the limit, then it stops


def test_a_sheet_under_the_limit_is_read(tree, settings):
    settings.IMPORT_MAX_UNPACKED_BYTES = 2 * MB
    result = run(bomb(1 * MB))
    assert refusal(2) not in [error.message for error in result.errors]
    assert result.errors  # a header of one title: the roster's columns are missing


def test_the_bomb_through_the_import_page_gets_the_message(client, tree, settings):
    settings.IMPORT_MAX_UNPACKED_BYTES = 2 * MB
    client.force_login(make_user_with_role(Role.Kind.COMMITTEE_STAFF, tree["base"], "btc"))
    response = client.post(reverse("members:import"), {"file": SimpleUploadedFile("bom.xlsx", bomb(64 * MB))})
    assert response.status_code == 200
    assert refusal(2) in response.content.decode()


def test_a_body_larger_than_any_upload_is_refused_before_it_is_read(client, tree, settings):
    settings.MAX_REQUEST_BYTES = MB
    client.force_login(make_user_with_role(Role.Kind.COMMITTEE_STAFF, tree["base"], "btc"))
    upload = SimpleUploadedFile("roster.csv", b"x" * (MB + 1))
    response = client.post(reverse("members:import"), {"file": upload})
    assert response.status_code == 413
    reason = gettext("What was sent is larger than %(size)s MB, the most this site accepts at once.")
    assert reason % {"size": 1} in response.content.decode()


def test_the_default_limit_follows_the_row_limit(settings):
    from config import settings as project_settings

    assert project_settings.IMPORT_MAX_UNPACKED_BYTES == project_settings.IMPORT_MAX_ROWS * 1024


def test_the_sheet_scan_cuts_a_long_stretch_without_tags_once():
    """The scan's pieces rebuild the sheet and no tag is cut, however long a text without "<"."""
    text = b"<worksheet><c>" + b"x" * (5 * MB) + b"</c><c>" + b"y" * 10 + b"</c></worksheet>"
    reads = []

    class Stream(io.BytesIO):
        def read(self, size=-1):
            reads.append(size)
            return super().read(size)

    pieces = list(reading._xml_pieces(Stream(text), size=MB))
    assert b"".join(pieces) == text
    assert all(piece.startswith(b"<") for piece in pieces)
    assert len(reads) == 7  # five full reads and a short one, then the end: each byte read once
