"""Equivalent positions compared side by side (R-SUP-2, "có sự so sánh giữa các vị trí tương
đương") as an Excel workbook: the rows of the comparison page, in its order and with its filters,
all pages at once. A document, so its words are Vietnamese, like reports/excel.py's; written row
by row (write-only workbook). Rows are read and what holds them computed (one Facts) a thousand at
a time, so a long group costs a few queries per thousand rows; past EXCEL_ROWS the table stops with
a note.
"""

import datetime
import io

from django.utils import translation
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from reports.excel import HEADER_FILL, HEADER_FONT, STATE_NAMES, TITLE_FONT, WRAP
from reviews.models import Season, SeasonUnit
from reviews.supervision import equivalents

EXCEL_ROWS = 5000
CHUNK = 1000
HEADERS = [
    "STT",
    "Họ và tên / tên tổ chức",
    "Tổ chức",
    "Tự xếp loại",
    "Điểm tự chấm",
    "Mức đề xuất",
    "Điểm thẩm định",
    "Mức quyết định",
    "Điểm quyết định",
    "Tình trạng",
    "Nhóm tính tỷ lệ",
    "Vướng mắc (bước tiếp theo)",
    "Lưu ý",
]
WIDTHS = [6, 30, 30, 10, 10, 10, 10, 10, 10, 24, 36, 60, 40]


def _number(value):
    return float(value) if value is not None else None


def _header(sheet, values: list[str]) -> list:
    cells = []
    for text in values:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, WRAP
        cells.append(cell)
    return cells


def equivalents_workbook(
    season: Season, unit: SeasonUnit, post_label: str, subjects, today: datetime.date
) -> bytes:
    """`subjects`: the page's filtered and ordered queryset."""
    workbook = Workbook(write_only=True)
    title = f"So sánh giữa các vị trí tương đương – {unit.name} – năm {season.year}"
    workbook.properties.title = title
    workbook.properties.creator = "Kiểm điểm"
    sheet = workbook.create_sheet("Tương đương")
    for n, width in enumerate(WIDTHS):
        sheet.column_dimensions[chr(ord("A") + n)].width = width
    sheet.freeze_panes = "A5"
    heading = WriteOnlyCell(sheet, value=title)
    heading.font = TITLE_FONT
    sheet.append([heading])
    sheet.append([f"{post_label} · lập ngày {today:%d/%m/%Y}"])
    sheet.append([])
    sheet.append(_header(sheet, HEADERS))
    total = subjects.count()
    n = 0
    with translation.override("vi"):
        for start in range(0, min(total, EXCEL_ROWS), CHUNK):  # a chunk in memory at a time
            for row in equivalents.rows_of(season, list(subjects[start : start + CHUNK])):
                n += 1
                s = row.subject
                sheet.append(
                    [
                        n,
                        s.name,
                        s.unit.name,
                        s.self_level,
                        _number(s.self_points),
                        s.proposed_level,
                        _number(s.proposed_points),
                        s.decided_level,
                        _number(s.decided_points),
                        STATE_NAMES.get(s.state, s.state),
                        row.quota,
                        "\n".join(str(r) for r in row.blockers),
                        "\n".join(str(r) for r in row.warnings),
                    ]
                )
    if total > EXCEL_ROWS:
        sheet.append([])
        sheet.append(
            [
                f"Bảng dừng ở {EXCEL_ROWS:,} dòng trong số {total:,}: hãy lọc theo mức, tình trạng hoặc tổ chức."
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
