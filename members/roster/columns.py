"""The roster's columns in the template's order and the key a file's title is matched by, and what an
import returns: the result, its errors at (row, column), the error for a file that cannot be read.
"""

import re
from dataclasses import dataclass, field

from members.names import fold


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


def _header_key(text) -> str:
    return " ".join(re.sub(r"\W+", " ", fold(str(text or ""))).split())
