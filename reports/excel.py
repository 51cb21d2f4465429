"""The season dashboard's figures as an Excel workbook (R-STAT-1, R-STAT-2, R-STAT-3).

The workbook is an output document for Vietnamese committees, so its titles and headers are
written in Vietnamese here, whatever the language of the page that asked for it. Figures are
numeric cells (percentages with one decimal), never text, so that they can be summed and charted.
The workbook is written in openpyxl's write-only mode: rows stream out, whatever their number.
"""

import datetime
import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from reviews.figures import LevelCounts
from reviews.models import Subject
from reviews.views.dashboard import PROGRESS_STATES, Figures, ratio

S = Subject.State
MEMBER, ORGANIZATION, LEADERSHIP = Subject.Kind.MEMBER, Subject.Kind.ORGANIZATION, Subject.Kind.LEADERSHIP

STATE_NAMES = {
    S.DRAFT: "Đang viết bản kiểm điểm",
    S.RETURNED: "Trả lại để hoàn thiện",
    S.SUBMITTED: "Đã nộp bản kiểm điểm",
    S.REVIEWED: "Đã kiểm điểm tại hội nghị",
    S.ABSENT: "Chưa kiểm điểm (vắng mặt)",
    S.PROPOSED: "Đã đề xuất mức xếp loại",
    S.DECIDED: "Đã quyết định xếp loại",
    S.EXCLUDED: "Không kiểm điểm năm nay",
}
OUT_OF_SCOPE_NAMES = {
    Subject.OutOfScope.EXEMPT: "Miễn công tác và sinh hoạt đảng",
    Subject.OutOfScope.SUSPENDED: "Đình chỉ sinh hoạt đảng",
    Subject.OutOfScope.NEW_MEMBER: "Vào Đảng chưa đủ 6 tháng",
    Subject.OutOfScope.NEW_ORGANIZATION: "Thành lập chưa đủ 6 tháng",
    Subject.OutOfScope.DECIDED_ABOVE: "Do cấp trên Tỉnh ủy xếp loại",
}
PHASE_NAMES = {
    "self_review": "Viết bản tự kiểm điểm",
    "meeting": "Hội nghị kiểm điểm",
    "proposal": "Đề xuất mức xếp loại",
    "decision": "Quyết định xếp loại",
}

PERCENT = "0.0"
COUNT = "#,##0"
TITLE_FONT = Font(bold=True, size=13)
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="F2DCDB")
WRAP = Alignment(wrap_text=True, vertical="center")


def title_text(figures: Figures) -> str:
    return (
        f"{figures.unit.name} – Kiểm điểm, đánh giá, xếp loại chất lượng năm {figures.season.year} – "
        f"số liệu ngày {figures.today:%d/%m/%Y}"
    )


class _Sheet:
    """A write-only sheet with the document's title row, headers and typed cells."""

    def __init__(self, workbook: Workbook, name: str, figures: Figures, widths: list[int]):
        self.ws = workbook.create_sheet(name)
        for index, width in enumerate(widths):
            self.ws.column_dimensions[get_column_letter(index + 1)].width = width
        self.ws.freeze_panes = "A4"
        title = WriteOnlyCell(self.ws, value=title_text(figures))
        title.font = TITLE_FONT
        self.ws.append([title])
        self.ws.append([])

    def headers(self, names: list[str]) -> None:
        cells = []
        for name in names:
            cell = WriteOnlyCell(self.ws, value=name)
            cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, WRAP
            cells.append(cell)
        self.ws.append(cells)

    def row(self, values: list, *, bold: bool = False) -> None:
        """Strings as text, ints as counts, floats as percentages."""
        cells = []
        for value in values:
            cell = WriteOnlyCell(self.ws, value=value)
            if isinstance(value, float):
                cell.number_format = PERCENT
            elif isinstance(value, int):
                cell.number_format = COUNT
            if bold:
                cell.font = HEADER_FONT
            cells.append(cell)
        self.ws.append(cells)


def _not_rated(counts: LevelCounts) -> int:
    return sum(counts.out_of_scope.values()) + counts.absent


def _summary(workbook: Workbook, figures: Figures) -> None:
    """Members and organizations at each level, with the previous season beside them."""
    previous = figures.previous
    sheet = _Sheet(workbook, "Tổng hợp", figures, [12, 36, 14, 11, 14, 11, 16, 11, 16, 11])
    headers = ["Mức xếp loại", "Tên mức", "Tổ chức đảng", "Tỷ lệ (%)", "Đảng viên", "Tỷ lệ (%)"]
    if previous:
        year = figures.previous_year
        headers += [f"Tổ chức đảng năm {year}", "Tỷ lệ (%)", f"Đảng viên năm {year}", "Tỷ lệ (%)"]
    sheet.headers(headers)
    organizations, members = figures.levels[ORGANIZATION], figures.levels[MEMBER]
    labels = {level["code"]: level["label"] for level in figures.season.rule_set.levels}
    for code in figures.level_codes:
        values = [
            code,
            labels.get(code, ""),
            organizations.levels.get(code, 0),
            organizations.percent(code),
            members.levels.get(code, 0),
            members.percent(code),
        ]
        if previous:
            before_o, before_m = previous[ORGANIZATION], previous[MEMBER]
            values += [
                before_o.levels.get(code, 0),
                before_o.percent(code),
                before_m.levels.get(code, 0),
                before_m.percent(code),
            ]
        sheet.row(values)
    totals = ["Cộng", "Đã xếp loại", organizations.rated, 100.0 if organizations.rated else 0.0]
    totals += [members.rated, 100.0 if members.rated else 0.0]
    if previous:
        before_o, before_m = previous[ORGANIZATION], previous[MEMBER]
        totals += [before_o.rated, 100.0 if before_o.rated else 0.0]
        totals += [before_m.rated, 100.0 if before_m.rated else 0.0]
    sheet.row(totals, bold=True)
    sheet.row([])
    sheet.headers(["Không xếp loại", "Lý do", "Tổ chức đảng", "", "Đảng viên"])
    reasons = sorted(set(organizations.out_of_scope) | set(members.out_of_scope))
    for reason in reasons:
        sheet.row(
            [
                "",
                OUT_OF_SCOPE_NAMES.get(reason, reason),
                organizations.out_of_scope.get(reason, 0),
                None,
                members.out_of_scope.get(reason, 0),
            ]
        )
    sheet.row(["", "Chưa kiểm điểm (vắng mặt, ốm đau)", organizations.absent, None, members.absent])
    sheet.row(["", "Chưa quyết định xếp loại", organizations.pending, None, members.pending])
    sheet.row(["Tổng số", "", organizations.total, None, members.total], bold=True)


def _by_child(workbook: Workbook, figures: Figures) -> None:
    codes = figures.level_codes
    widths = [40, 12, 14] + [10, 10] * len(codes) + [14, 14, 14, 14]
    sheet = _Sheet(workbook, "Theo đơn vị", figures, widths)
    headers = ["Tổ chức đảng", "Mã", "Số đảng viên"]
    for code in codes:
        headers += [code, "Tỷ lệ (%)"]
    headers += ["Không xếp loại", "Chưa quyết định", "Số tổ chức đảng", "Tổ chức đảng đã xếp loại"]
    sheet.headers(headers)
    total_members = LevelCounts()
    total_organizations = 0
    total_organizations_rated = 0
    for child in figures.children:
        members = child.members
        values = [child.unit.name, child.unit.code, members.total]
        for code in codes:
            values += [members.levels.get(code, 0), members.percent(code)]
        values += [
            _not_rated(members),
            members.pending,
            child.organizations.total,
            child.organizations.rated,
        ]
        sheet.row(values)
        for code, n in members.levels.items():
            total_members.levels[code] = total_members.levels.get(code, 0) + n
        for reason, n in members.out_of_scope.items():
            total_members.out_of_scope[reason] = total_members.out_of_scope.get(reason, 0) + n
        total_members.absent += members.absent
        total_members.pending += members.pending
        total_organizations += child.organizations.total
        total_organizations_rated += child.organizations.rated
    if figures.children:
        values = ["Cộng", "", total_members.total]
        for code in codes:
            values += [total_members.levels.get(code, 0), total_members.percent(code)]
        values += [
            _not_rated(total_members),
            total_members.pending,
            total_organizations,
            total_organizations_rated,
        ]
        sheet.row(values, bold=True)


def _progress(workbook: Workbook, figures: Figures) -> None:
    sheet = _Sheet(workbook, "Tiến độ", figures, [34, 14, 18, 14, 12, 11])
    sheet.headers(["Bước", "Tổ chức đảng", "Tập thể lãnh đạo", "Đảng viên", "Cộng", "Tỷ lệ (%)"])
    kinds = [ORGANIZATION, LEADERSHIP, MEMBER]
    grand = sum(figures.progress_total(kind) for kind in kinds)
    for state in PROGRESS_STATES:
        counts = [figures.progress.get(kind, {}).get(state, 0) for kind in kinds]
        sheet.row([STATE_NAMES[state], *counts, sum(counts), ratio(sum(counts), grand)])
    sheet.row(
        ["Cộng", *[figures.progress_total(kind) for kind in kinds], grand, 100.0 if grand else 0.0], bold=True
    )
    deadlines = [(phase, day) for phase, day, _passed in figures.deadlines() if phase in PHASE_NAMES]
    if deadlines:
        sheet.row([])
        sheet.headers(["Giai đoạn", "Thời hạn", "Quá hạn"])
        for phase, day in deadlines:
            when = WriteOnlyCell(sheet.ws, value=day)
            when.number_format = "DD/MM/YYYY"
            late = figures.overdue.get(phase)
            sheet.ws.append([PHASE_NAMES[phase], when, late if late is not None else None])


def _follow_up(workbook: Workbook, figures: Figures) -> None:
    f = figures.follow_up
    sheet = _Sheet(workbook, "Theo dõi khắc phục", figures, [52, 12, 12, 11])
    sheet.headers(["Chỉ tiêu", "Đã có", "Tổng số", "Tỷ lệ (%)"])
    sheet.row(
        [
            "Tập thể đã nộp kế hoạch khắc phục",
            f["collective_plans"],
            f["collectives"],
            ratio(f["collective_plans"], f["collectives"]),
        ]
    )
    sheet.row(
        [
            "Cấp ủy viên đã nộp kế hoạch khắc phục",
            f["committee_plans"],
            f["committee_members"],
            ratio(f["committee_plans"], f["committee_members"]),
        ]
    )
    sheet.row(["Đảng viên bị kỷ luật trong năm", f["disciplined_members"]])
    sheet.row(["Tổ chức đảng bị kỷ luật trong năm", f["disciplined_organizations"]])
    sheet.row(["Đảng viên không hoàn thành nhiệm vụ năm thứ hai liên tiếp", f["second_khtnv"]])


def dashboard_workbook(figures: Figures) -> bytes:
    """The dashboard's figures for one organization of a season, as .xlsx bytes."""
    workbook = Workbook(write_only=True)
    workbook.properties.title = title_text(figures)
    workbook.properties.creator = "Kiểm điểm"
    workbook.properties.created = datetime.datetime.combine(figures.today, datetime.time())
    _summary(workbook, figures)
    _by_child(workbook, figures)
    _progress(workbook, figures)
    _follow_up(workbook, figures)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def filename(figures: Figures) -> str:
    return f"thong-ke-{figures.unit.code}-{figures.season.year}-{figures.today:%Y%m%d}.xlsx"
