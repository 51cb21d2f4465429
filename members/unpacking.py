"""Bounded unpacking of an uploaded .xlsx before any reader opens it.

An .xlsx is a zip of XML parts. A few hundred kilobytes can unpack to gigabytes (a "zip bomb"),
and both readers (calamine, openpyxl) would unpack and parse all of it inside the request. So the
zip's central directory is read first: a part whose declared size is over the limit is refused
without unpacking anything. Then each part is inflated here, in pieces, counting the bytes and
stopping as soon as the limit is passed, because a declared size may lie. A part whose true size
differs from the declared one is a damaged file. Only then do the readers see the file.
"""

import io
import struct
import zipfile
import zlib

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _

_LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")
_LOCAL_SIGNATURE = b"PK\x03\x04"
_PIECE = 64 * 1024
_ENCRYPTED = 0x1


class TooLarge(Exception):
    """A part of the workbook unpacks to more than the limit; the message says which, to the user."""


class Damaged(Exception):
    """The zip cannot be unpacked as the workbook it claims to be."""


def check_unpacked_sizes(data: bytes) -> None:
    """Refuse a workbook whose parts unpack to more than IMPORT_MAX_UNPACKED_BYTES each, or to
    more than twice that in all (the sheet and its shared strings), reading at most that much."""
    limit = settings.IMPORT_MAX_UNPACKED_BYTES
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise Damaged from None
    members = archive.infolist()
    for info in members:
        if info.file_size > limit:
            raise _too_large(info.filename, limit)
    total = 0
    for info in members:
        size = 0
        for piece in inflated_pieces(data, info, limit):
            size += len(piece)
            if size > limit:
                raise _too_large(info.filename, limit)
        if size != info.file_size:
            raise Damaged
        total += size
        if total > 2 * limit:
            raise _too_large(info.filename, limit)


def inflated_pieces(data: bytes, info: zipfile.ZipInfo, limit: int):
    """The unpacked bytes of one part, in pieces of at most 64 KB; stops once more than `limit`
    bytes came out, whatever the part's declared size."""
    if info.flag_bits & _ENCRYPTED or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise Damaged
    start = info.header_offset
    header = data[start : start + _LOCAL_HEADER.size]
    if len(header) < _LOCAL_HEADER.size:
        raise Damaged
    fields = _LOCAL_HEADER.unpack(header)
    if fields[0] != _LOCAL_SIGNATURE:
        raise Damaged
    begin = start + _LOCAL_HEADER.size + fields[9] + fields[10]
    packed = memoryview(data)[begin : begin + info.compress_size]
    if len(packed) < info.compress_size:
        raise Damaged
    if info.compress_type == zipfile.ZIP_STORED:
        for offset in range(0, min(len(packed), limit + 1), _PIECE):
            yield packed[offset : offset + _PIECE]
        return
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    produced = 0
    try:
        for offset in range(0, len(packed), _PIECE):
            pending = packed[offset : offset + _PIECE]
            while not inflater.eof:
                piece = inflater.decompress(pending, _PIECE)
                pending = inflater.unconsumed_tail
                if not piece and not pending:
                    break
                produced += len(piece)
                yield piece
                if produced > limit:
                    return
            if inflater.eof:
                break
    except zlib.error:
        raise Damaged from None
    if not inflater.eof:
        raise Damaged


def _too_large(name: str, limit: int) -> TooLarge:
    megabytes = number_format(limit / (1024 * 1024), decimal_pos=0)
    return TooLarge(
        _(
            "The workbook holds a part (%(part)s) that unpacks to more than %(size)s MB, far more than "
            "a roster of %(rows)s rows needs. Copy the member rows alone into a new workbook, or split "
            "them into several files."
        )
        % {
            "part": name,
            "size": megabytes,
            "rows": number_format(settings.IMPORT_MAX_ROWS, force_grouping=True),
        }
    )
