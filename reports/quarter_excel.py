"""The summary table of a quarter (issue 14, R366-QTR-2): one row per leader in the reader's part
of the season — the self-assessment on Mẫu 05 (…/30, …/70, …/100, proposed level) and the managing
body's points, level and comment. A document, so its words are Vietnamese, like reports/excel.py's.
Written row by row (write-only workbook), read in chunks: a province's 60,000 leaders fit."""

import datetime
import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from reports.excel import HEADER_FILL, HEADER_FONT, TITLE_FONT
from reviews.models import Quarter, QuarterlyEvaluation

E = QuarterlyEvaluation.State
STATE_NAMES = {
    E.DRAFT: "Chưa tự đánh giá",
    E.RETURNED: "Trả lại để hoàn thiện",
    E.SUBMITTED: "Chờ cấp quản lý đánh giá",
    E.DECIDED: "Đã đánh giá",
}
HEADERS = [
    "STT",
    "Họ và tên",
    "Chi bộ",
    "Tự chấm nhóm chung (/30)",
    "Tự chấm nhiệm vụ (/70)",
    "Tổng tự chấm (/100)",
    "Mức tự đề xuất",
    "Điểm cấp quản lý (/100)",
    "Mức xếp loại",
    "Nhận xét của cấp quản lý",
    "Tình trạng",
]
WIDTHS = [6, 28, 30, 12, 12, 12, 10, 12, 10, 40, 22]


def _number(value):
    return float(value) if value is not None else None


def quarter_workbook(quarter: Quarter, path_q, today: datetime.date) -> bytes:
    workbook = Workbook(write_only=True)
    title = f"Tổng hợp kết quả đánh giá quý {quarter.number}/{quarter.season.year}"
    workbook.properties.title = title
    workbook.properties.creator = "Kiểm điểm"
    sheet = workbook.create_sheet(f"Quý {quarter.number}")
    for n, width in enumerate(WIDTHS):
        sheet.column_dimensions[chr(ord("A") + n)].width = width
    heading = WriteOnlyCell(sheet, value=title)
    heading.font = TITLE_FONT
    sheet.append([heading])
    sheet.append([f"{quarter.season.top_organization.name} · lập ngày {today:%d/%m/%Y}"])
    sheet.append([])
    header = []
    for text in HEADERS:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        header.append(cell)
    sheet.append(header)
    rows = (
        QuarterlyEvaluation.objects.filter(quarter=quarter)
        .filter(path_q)
        .order_by("path", "subject__sort_key", "pk")
        .values_list(
            "subject__name",
            "subject__unit__name",
            "self_general",
            "self_tasks",
            "self_points",
            "self_level",
            "decided_points",
            "decided_level",
            "comment",
            "state",
        )
    )
    for n, row in enumerate(rows.iterator(chunk_size=2000), start=1):
        name, unit, general, tasks, points, level, decided, decided_level, comment, state = row
        sheet.append(
            [
                n,
                name,
                unit,
                _number(general),
                _number(tasks),
                _number(points),
                level,
                _number(decided),
                decided_level,
                comment,
                STATE_NAMES.get(state, state),
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
