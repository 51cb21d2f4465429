import csv
import datetime
import io
import itertools
import zipfile
from dataclasses import dataclass
from xml.sax.saxutils import escape

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.formula import ArrayFormula

from members.models import CellPeriod, Gender, Member, Status, StatusPeriod
from members.roster import COLUMNS, database, import_roster, reading
from organizations.models import Kind, Role
from tests.factories import make_member, make_org, make_user_with_role

HEADER = [column.header for column in COLUMNS]
_cards = itertools.count(50_000_001)


@pytest.fixture(autouse=True)
def _vietnamese():
    with translation.override("vi"):
        yield


def member_row(**values) -> dict:
    """A correct row by template title; member_row(**{"Ngày sinh": "abc"}) replaces a value."""
    row = {
        "Mã chi bộ": "CB1",
        "Họ": "Nguyễn",
        "Tên đệm": "Thị",
        "Tên": "Hường",
        "Giới tính": "Nữ",
        "Ngày sinh": "17/05/1980",
        "Số thẻ đảng viên": str(next(_cards)),
        "Ngày vào Đảng": "02/03/2005",
        "Ngày chính thức": "02/03/2006",
        "Chức vụ Đảng": "Chi ủy viên",
        "Chức vụ chính quyền": "Giáo viên",
        "Đơn vị công tác": "Trường THPT An Bình",
        "Lãnh đạo, quản lý": "Không",
        "Cán bộ, công chức, viên chức": "Có",
    }
    row.update(values)
    return row


def csv_bytes(rows, header=HEADER, delimiter=",", bom=False) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(title, "") for title in header] if isinstance(row, dict) else row)
    return buffer.getvalue().encode("utf-8-sig" if bom else "utf-8")


def xlsx_bytes(rows, header=HEADER) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(title) for title in header] if isinstance(row, dict) else row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class Xml:
    """A cell written as Excel writes it: its attributes after the reference, and its content."""

    attributes: str
    content: str


_PACKAGE = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Danh sách" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/styles" Target="styles.xml"/></Relationships>'
    ),
    "xl/styles.xml": (  # style 1 shows a date
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
        '<borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>'
        '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    ),
}


def excel_bytes(rows, header=HEADER, first_row=1, references=True, numbers=None) -> bytes:
    """An .xlsx written by hand, for what openpyxl cannot write: formulas with their last result
    (Excel saves both), error values, cells without a reference, rows out of order (`numbers`,
    the row number of the header and of each row)."""
    lines = []
    numbers = numbers or range(first_row, first_row + 1 + len(rows))
    for number, row in zip(numbers, [header, *rows], strict=True):
        values = [row.get(title, "") for title in header] if isinstance(row, dict) else row
        cells = []
        for index, value in enumerate(values):
            where = f' r="{get_column_letter(index + 1)}{number}"' if references else ""
            if isinstance(value, Xml):
                cells.append(f"<c{where}{value.attributes}>{value.content}</c>")
            elif value:
                cells.append(f'<c{where} t="inlineStr"><is><t>{escape(value)}</t></is></c>')
        lines.append(f'<row r="{number}">{"".join(cells)}</row>')
    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        + "".join(lines)
        + "</sheetData></worksheet>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, xml in _PACKAGE.items():
            archive.writestr(name, xml)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return buffer.getvalue()


def zip_bytes(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def run(data: bytes, filename="roster.csv", **kwargs):
    return import_roster(file=io.BytesIO(data), filename=filename, **kwargs)


def errors_of(result) -> set[tuple]:
    return {(error.row, error.column, error.message) for error in result.errors}


# A correct file ------------------------------------------------------------------------------


def test_a_correct_csv_imports_every_member_with_its_histories(tree):
    rows = [
        member_row(Tên="An", **{"Giới tính": "Nam", "Lãnh đạo, quản lý": "Có"}),
        member_row(**{"Ngày chính thức": ""}),
        member_row(**{"Mã chi bộ": "CB2", "Cán bộ, công chức, viên chức": ""}),
    ]
    result = run(csv_bytes(rows))

    assert result.ok and result.imported
    assert [(c.code, c.name, c.count) for c in result.cells] == [
        ("CB1", "Chi bộ Tổ Toán", 2),
        ("CB2", "Chi bộ Tổ Văn", 1),
    ]
    assert result.total == 3
    an = Member.objects.get(card_number=rows[0]["Số thẻ đảng viên"])
    assert an.full_name == "Nguyễn Thị An"
    assert an.sort_key and "nguyen thi an" in an.search_text
    assert an.gender == Gender.MALE and an.is_leader and an.is_civil_servant
    assert an.birth_date == datetime.date(1980, 5, 17)
    assert an.official_on == datetime.date(2006, 3, 2)
    assert an.cell == tree["cell_a"] and an.status == Status.ACTIVE
    probationary = Member.objects.get(card_number=rows[1]["Số thẻ đảng viên"])
    assert probationary.is_probationary and probationary.gender == Gender.FEMALE
    assert not Member.objects.get(card_number=rows[2]["Số thẻ đảng viên"]).is_civil_servant
    for member in Member.objects.all():
        statuses = list(member.status_history.values_list("status", "starts_on", "ends_on"))
        assert statuses == [(Status.ACTIVE, datetime.date(2005, 3, 2), None)]
        cells = list(member.cell_history.values_list("cell", "starts_on", "ends_on"))
        assert cells == [(member.cell_id, datetime.date(2005, 3, 2), None)]


def test_an_xlsx_with_real_date_cells_and_loose_titles_in_another_order_imports(tree):
    # Titles without diacritics, in other cases and order; dates and card numbers as typed cells.
    header = ["TEN", "ho", "ma chi bo", "Gioi Tinh", "Ngay sinh", "so the dang vien", "ngay vao dang",
              "Ngày Chính Thức"]  # fmt: skip
    rows = [["Bình", "Trần", "CB2", "nam", datetime.date(1975, 1, 31), 87654321, datetime.datetime(1999, 9, 2),
             None]]  # fmt: skip
    result = run(xlsx_bytes(rows, header=header), filename="Danh sach.XLSX")

    assert result.imported, result.errors
    member = Member.objects.get(card_number="87654321")
    assert (member.full_name, member.cell, member.birth_date) == (
        "Trần Bình",
        tree["cell_b"],
        datetime.date(1975, 1, 31),
    )
    assert member.admitted_on == datetime.date(1999, 9, 2) and member.is_probationary
    assert not member.is_leader and member.middle_name == ""


@pytest.mark.parametrize("bom", [True, False])
def test_a_semicolon_separated_csv_with_or_without_bom_imports(tree, bom):
    rows = [member_row(), member_row(**{"Mã chi bộ": "CS2"})]
    result = run(csv_bytes(rows, delimiter=";", bom=bom))

    assert result.imported, result.errors
    assert {c.code: c.count for c in result.cells} == {"CB1": 1, "CS2": 1}
    assert Member.objects.filter(family_name="Nguyễn", given_name="Hường").count() == 2


def test_a_dry_run_checks_everything_and_saves_nothing(tree):
    result = run(csv_bytes([member_row(), member_row()]), dry_run=True)

    assert result.ok and not result.imported
    assert result.total == 2
    assert not Member.objects.exists() and not StatusPeriod.objects.exists()


def test_blank_rows_are_skipped_and_row_numbers_stay_those_of_the_spreadsheet(tree):
    rows = [member_row(), [""] * len(HEADER), member_row(**{"Ngày sinh": "abc"})]
    result = run(csv_bytes(rows))

    assert [(e.row, e.column) for e in result.errors] == [(4, "Ngày sinh")]


# Errors in cells ----------------------------------------------------------------------------


def test_impossible_dates_are_errors_at_their_row_and_column(tree):
    rows = [
        member_row(**{"Ngày sinh": "31/02/1980"}),
        member_row(**{"Ngày sinh": "abc"}),
        member_row(**{"Ngày vào Đảng": "12/31/2005"}),  # month first, as in the US
        member_row(**{"Ngày chính thức": "01/01/2999"}),
    ]
    result = run(csv_bytes(rows))

    assert errors_of(result) == {
        (2, "Ngày sinh", "31/02/1980 không phải là ngày hợp lệ: tháng này không có ngày 31."),
        (
            3,
            "Ngày sinh",
            "“abc” không phải là ngày; hãy ghi ngày theo dạng dd/mm/yyyy, ví dụ 17/05/1980.",
        ),
        (
            4,
            "Ngày vào Đảng",
            "12/31/2005 không phải là ngày hợp lệ: không có tháng 31. "
            "Hãy ghi ngày trước, tháng sau (dd/mm/yyyy).",
        ),
        (5, "Ngày chính thức", "Ngày 01/01/2999 là một ngày trong tương lai."),
    }
    assert not Member.objects.exists()


def test_official_date_before_admission_is_an_error(tree):
    result = run(csv_bytes([member_row(**{"Ngày vào Đảng": "02/03/2005", "Ngày chính thức": "01/03/2005"})]))

    assert errors_of(result) == {(2, "Ngày chính thức", "Ngày chính thức sớm hơn ngày vào Đảng.")}


def test_missing_required_values_are_errors_for_each_cell(tree):
    rows = [member_row(Họ="", Tên="  ", **{"Ngày sinh": "", "Giới tính": ""})]
    result = run(csv_bytes(rows))

    assert errors_of(result) == {
        (2, "Họ", "Ô này đang trống; “Họ” là thông tin bắt buộc."),
        (2, "Tên", "Ô này đang trống; “Tên” là thông tin bắt buộc."),
        (2, "Giới tính", "Ô này đang trống; “Giới tính” là thông tin bắt buộc."),
        (2, "Ngày sinh", "Ô này đang trống; “Ngày sinh” là thông tin bắt buộc."),
    }


def test_card_numbers_with_letters_or_the_wrong_length_are_errors(tree):
    rows = [
        member_row(**{"Số thẻ đảng viên": "12345AB8"}),
        member_row(**{"Số thẻ đảng viên": "1234"}),
    ]
    result = run(csv_bytes(rows))

    assert errors_of(result) == {
        (
            2,
            "Số thẻ đảng viên",
            "Số thẻ đảng viên “12345AB8” có chữ cái hoặc ký tự khác; chỉ được dùng chữ số.",
        ),
        (3, "Số thẻ đảng viên", "Số thẻ đảng viên 1234 không đúng số chữ số."),
    }


def test_a_card_number_typed_as_a_number_that_lost_its_leading_zero_says_why(tree):
    result = run(xlsx_bytes([member_row(**{"Số thẻ đảng viên": 1234567})]), filename="roster.xlsx")

    assert errors_of(result) == {
        (
            2,
            "Số thẻ đảng viên",
            "Số thẻ đảng viên 1234567 không đúng số chữ số. Ô này có kiểu số nên đã mất các chữ số 0 "
            "ở đầu: hãy định dạng cột là Văn bản (Text).",
        )
    }


def test_a_card_number_twice_in_the_file_names_both_rows(tree):
    rows = [member_row(**{"Số thẻ đảng viên": "11112222"}), member_row(),
            member_row(**{"Số thẻ đảng viên": "11112222"})]  # fmt: skip
    result = run(csv_bytes(rows))

    message = "Số thẻ 11112222 xuất hiện nhiều lần trong tệp: các dòng 2, 4."
    assert errors_of(result) == {(2, "Số thẻ đảng viên", message), (4, "Số thẻ đảng viên", message)}
    assert not Member.objects.exists()


def test_a_card_number_already_in_the_database_is_an_error(tree):
    make_member(tree["cell_a"], card_number="22223333")
    result = run(csv_bytes([member_row(), member_row(**{"Số thẻ đảng viên": "22223333"})]))

    # The command line sees every member: the message names the holder (scoped users:
    # tests/members/test_roster_taken_cards.py).
    message = (
        "Số thẻ 22223333 đã được ghi nhận cho đảng viên Nguyễn Văn An, sinh hoạt tại Chi bộ Tổ Toán "
        "(CB1). Nếu là cùng một người, hãy bỏ dòng này khỏi tệp; nếu không, hãy kiểm tra lại số thẻ."
    )
    assert errors_of(result) == {(3, "Số thẻ đảng viên", message)}
    assert Member.objects.count() == 1


def test_unknown_non_cell_and_dissolved_cell_codes_are_errors(tree):
    dissolved = make_org(Kind.CELL, tree["base"], name="Chi bộ cũ", code="CBCU")
    dissolved.dissolved_on = datetime.date(2020, 1, 1)
    dissolved.save()
    rows = [
        member_row(**{"Mã chi bộ": "KHONGCO"}),
        member_row(**{"Mã chi bộ": "CS1"}),
        member_row(**{"Mã chi bộ": "CBCU"}),
        member_row(),
    ]
    result = run(csv_bytes(rows))

    messages = {(e.row, e.column): e.message for e in result.errors}
    assert set(messages) == {(2, "Mã chi bộ"), (3, "Mã chi bộ"), (4, "Mã chi bộ")}
    assert messages[2, "Mã chi bộ"] == "Không có tổ chức đảng nào có mã KHONGCO."
    assert messages[3, "Mã chi bộ"].startswith("CS1 (Đảng bộ Trường THPT An Bình) là ")
    assert messages[3, "Mã chi bộ"].endswith(", không phải chi bộ.")
    assert messages[4, "Mã chi bộ"] == "Chi bộ CBCU (Chi bộ cũ) đã giải thể ngày 01/01/2020."
    assert not Member.objects.exists()


def test_formulas_in_xlsx_cells_are_rejected(tree):
    row = member_row(Tên="=UPPER(B2)", **{"Số thẻ đảng viên": "=10000000+5"})
    row["Tên đệm"] = ArrayFormula("C2", "=TRIM(C3:C4)")
    result = run(xlsx_bytes([row]), filename="roster.xlsx")

    message = "Ô này chứa công thức; hãy nhập trực tiếp giá trị."
    assert errors_of(result) == {
        (2, "Tên đệm", message),
        (2, "Tên", message),
        (2, "Số thẻ đảng viên", message),
    }
    assert not Member.objects.exists()


def test_wrong_gender_flag_and_too_long_text_are_errors(tree):
    rows = [member_row(**{"Giới tính": "F", "Lãnh đạo, quản lý": "yes", "Họ": "X" * 65})]
    result = run(csv_bytes(rows))

    assert errors_of(result) == {
        (2, "Họ", "Nội dung quá dài: tối đa 64 ký tự."),
        (2, "Giới tính", "Giới tính phải ghi là Nam hoặc Nữ."),
        (2, "Lãnh đạo, quản lý", "Hãy ghi Có hoặc Không."),
    }


def test_every_bad_cell_of_a_big_file_is_listed_and_nothing_is_imported(tree):
    rows = [member_row() for _ in range(300)]
    for index in range(0, 300, 3):
        rows[index]["Ngày sinh"] = "30/02/1990"
    rows[299]["Mã chi bộ"] = "NOWHERE"
    result = run(csv_bytes(rows))

    assert len(result.errors) == 101
    assert [e.row for e in result.errors[:3]] == [2, 5, 8]
    assert result.errors[-1].row == 301 and result.errors[-1].column == "Mã chi bộ"
    assert not Member.objects.exists()


# The fast .xlsx reader ------------------------------------------------------------------------

_FORMULA = "Ô này chứa công thức; hãy nhập trực tiếp giá trị."
_NO_TITLE = "Ô này có dữ liệu nhưng cột của nó không có tiêu đề; hãy xóa dữ liệu này."


@pytest.fixture(params=["calamine", "openpyxl"])
def reader(request, monkeypatch):
    """Runs a test with the fast .xlsx reader, then with openpyxl, which it must agree with."""
    if request.param == "openpyxl":
        monkeypatch.setattr(reading, "_calamine_rows", lambda data: None)
    return request.param


def read_by(reader: str, data: bytes) -> bytes:
    assert (reading._calamine_rows(data) is not None) == (reader == "calamine")
    return data


def test_formulas_saved_with_their_results_are_rejected(tree, reader):
    # Excel saves each formula's last result next to it, and that result is what calamine reads.
    rows = [
        member_row(
            **{
                "Tên đệm": Xml(' t="str"', '<f t="array" ref="C2">TRIM(C3:C4)</f><v>Thị</v>'),
                "Tên": Xml(' t="str"', "<f>UPPER(B2)</f><v>HƯỜNG</v>"),
                "Số thẻ đảng viên": Xml(
                    "", '<f t="shared" ref="G2:G3" si="0">10000000+ROW()</f><v>10000002</v>'
                ),
            }
        ),
        member_row(**{"Số thẻ đảng viên": Xml("", '<f t="shared" si="0"/><v>10000003</v>')}),
        member_row(),
        [*member_row().values(), Xml("", "<f>1+1</f><v>2</v>")],
        member_row(**{"Ngày sinh": Xml("", "<f>DATE(1980,5,17)</f>")}),  # never calculated: no result
    ]
    result = run(read_by(reader, excel_bytes(rows)), filename="roster.xlsx")

    assert errors_of(result) == {
        (2, "Tên đệm", _FORMULA),
        (2, "Tên", _FORMULA),
        (2, "Số thẻ đảng viên", _FORMULA),
        (3, "Số thẻ đảng viên", _FORMULA),
        (5, "cột O", _NO_TITLE),
        (6, "Ngày sinh", _FORMULA),
    }
    assert not Member.objects.exists()


def test_error_values_read_as_their_text(tree, reader):
    rows = [
        member_row(**{"Ngày sinh": Xml(' t="e"', "<v>#N/A</v>")}),
        member_row(**{"Ngày vào Đảng": Xml(' t="e"', "<f>1/0</f><v>#DIV/0!</v>")}),
    ]
    result = run(read_by(reader, excel_bytes(rows)), filename="roster.xlsx")

    assert errors_of(result) == {
        (2, "Ngày sinh", "“#N/A” không phải là ngày; hãy ghi ngày theo dạng dd/mm/yyyy, ví dụ 17/05/1980."),
        (3, "Ngày vào Đảng", _FORMULA),
    }


def test_xlsx_rows_keep_their_spreadsheet_numbers_below_blank_rows(tree, reader):
    data = excel_bytes([member_row(), member_row(**{"Ngày sinh": "abc"})], first_row=3)
    result = run(read_by(reader, data), filename="roster.xlsx")

    assert [(e.row, e.column) for e in result.errors] == [(5, "Ngày sinh")]


def test_typed_xlsx_cells_import_alike_with_either_reader(tree, reader):
    rows = [
        member_row(
            **{"Ngày sinh": Xml(' s="1"', "<v>29358</v>"), "Số thẻ đảng viên": Xml("", "<v>87654321</v>")}
        ),
        member_row(**{"Lãnh đạo, quản lý": Xml(' t="b"', "<v>1</v>"), "Tên đệm": ""}),
    ]
    result = run(read_by(reader, excel_bytes(rows)), filename="roster.xlsx")

    assert result.imported, result.errors
    first = Member.objects.get(card_number="87654321")
    assert first.birth_date == datetime.date(1980, 5, 17) and not first.is_leader
    second = Member.objects.exclude(pk=first.pk).get()
    assert second.is_leader and second.middle_name == "" and second.full_name == "Nguyễn Hường"


@pytest.mark.parametrize(
    ("rows", "options", "errors"),
    [
        ([[*member_row().values(), *[""] * 13, "lạc chỗ"]], {}, {(2, "cột AB", _NO_TITLE)}),
        ([member_row()], {"references": False}, set()),
        # A value calamine shows as an empty cell, as it would show one it lost.
        ([member_row(**{"Chức vụ Đảng": Xml(' t="str"', "<v></v>")})], {}, set()),
    ],
    ids=["a-value-right-of-column-z", "cells-without-references", "a-value-shown-empty"],
)
def test_sheets_the_fast_reader_could_misread_go_to_openpyxl(tree, rows, options, errors):
    data = excel_bytes(rows, **options)
    assert reading._calamine_rows(data) is None

    result = run(data, filename="roster.xlsx")

    assert errors_of(result) == errors
    assert result.imported == (not errors)


def test_rows_written_out_of_order_are_read_in_their_place(tree):
    # openpyxl loses such rows; calamine puts each where its number says.
    rows = [member_row(**{"Ngày sinh": "abc"}), member_row()]
    result = run(read_by("calamine", excel_bytes(rows, numbers=[1, 3, 2])), filename="roster.xlsx")

    assert [(e.row, e.column) for e in result.errors] == [(3, "Ngày sinh")]


# Errors in the header -----------------------------------------------------------------------


def test_unknown_columns_are_named(tree):
    header = [*HEADER, "Quê quán", "Ghi chú"]
    result = run(csv_bytes([member_row()], header=header))

    assert errors_of(result) == {
        (1, "Quê quán", "Cột “Quê quán” không có trong mẫu: hãy xóa cột này hoặc sửa lại tiêu đề."),
        (1, "Ghi chú", "Cột “Ghi chú” không có trong mẫu: hãy xóa cột này hoặc sửa lại tiêu đề."),
    }


def test_a_missing_required_column_is_one_error_naming_it(tree):
    header = [title for title in HEADER if title != "Số thẻ đảng viên"]
    result = run(csv_bytes([member_row(), member_row()], header=header))

    assert errors_of(result) == {(1, "Số thẻ đảng viên", "Thiếu cột bắt buộc “Số thẻ đảng viên”.")}


def test_optional_columns_may_be_left_out(tree):
    header = [c.header for c in COLUMNS if c.required or c.column_required]
    result = run(csv_bytes([member_row()], header=header))

    assert result.imported, result.errors
    member = Member.objects.get()
    assert member.middle_name == "" and member.workplace == "" and not member.is_leader


def test_a_repeated_column_and_values_under_no_title_are_errors(tree):
    header = [*HEADER, "", "Họ"]
    row = [*member_row().values(), "lạc chỗ", "Trần"]
    result = run(csv_bytes([row], header=header))

    assert errors_of(result) == {(1, "Họ", "Cột “Họ” xuất hiện hai lần.")}
    result = run(csv_bytes([[*member_row().values(), "", "lạc chỗ"]]))
    assert errors_of(result) == {
        (2, "cột P", "Ô này có dữ liệu nhưng cột của nó không có tiêu đề; hãy xóa dữ liệu này.")
    }


# Files that are not rosters -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
            "roster.xlsx",
            "Tệp không phải là bảng tính: có vẻ đây là tệp PDF bị đổi tên. Hãy tải lên tệp .xlsx hoặc .csv.",
        ),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64),
            "roster.xlsx",
            "Tệp không phải là bảng tính: có vẻ đây là tệp PNG bị đổi tên. Hãy tải lên tệp .xlsx hoặc .csv.",
        ),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64),
            "roster.csv",
            "Tệp không phải là bảng tính: có vẻ đây là tệp PNG bị đổi tên. Hãy tải lên tệp .xlsx hoặc .csv.",
        ),
        (
            bytes(range(256)) * 4,
            "roster.csv",
            "Tệp không phải là bảng tính đọc được. Hãy tải lên tệp .xlsx hoặc .csv.",
        ),
        (
            b"PK\x03\x04" + bytes(200),
            "roster.xlsx",
            "Tệp không phải là bảng tính đọc được. Hãy tải lên tệp .xlsx hoặc .csv.",
        ),
        (
            zip_bytes({"word/document.xml": "<document/>"}),
            "roster.xlsx",
            "Tệp không phải là bảng tính đọc được. Hãy tải lên tệp .xlsx hoặc .csv.",
        ),
        (
            "Mã chi bo,Ho,Tên\nCB1,Nguyen,Hà\n".encode("latin-1"),
            "roster.csv",
            "Tệp CSV không được mã hóa UTF-8. Trong Excel, hãy lưu tệp dưới dạng “CSV UTF-8 (Comma delimited)”.",
        ),
        (
            "Mã chi bộ\tHọ\tTên\r\nCB1\tNguyễn\tHường\r\n".encode("utf-16"),
            "roster.csv",
            "Tệp CSV không được mã hóa UTF-8. Trong Excel, hãy lưu tệp dưới dạng “CSV UTF-8 (Comma delimited)”.",
        ),
        (b"", "roster.csv", "Tệp không có dữ liệu."),
        (b"\n\n", "roster.csv", "Tệp không có dữ liệu."),
        (xlsx_bytes([], header=[]), "roster.xlsx", "Tệp không có dữ liệu."),
        (csv_bytes([]), "roster.csv", "Tệp chỉ có dòng tiêu đề, không có đảng viên nào."),
        (xlsx_bytes([]), "roster.xlsx", "Tệp chỉ có dòng tiêu đề, không có đảng viên nào."),
        (b"a,b\n1,2\n", "roster.txt", "Chỉ nhập được tệp .xlsx hoặc .csv."),
    ],
    ids=[
        "pdf-as-xlsx",
        "png-as-xlsx",
        "png-as-csv",
        "binary-csv",
        "broken-zip",
        "zip-not-a-workbook",
        "latin1-csv",
        "utf16-csv",
        "empty",
        "blank-lines",
        "empty-xlsx",
        "csv-header-only",
        "xlsx-header-only",
        "other-extension",
    ],  # fmt: skip
)
def test_files_that_are_not_rosters_give_one_error_for_the_whole_file(tree, data, filename, message):
    result = run(data, filename=filename)

    assert errors_of(result) == {(None, "", message)}
    assert not Member.objects.exists()


@pytest.mark.parametrize(("limit", "shown"), [(1024 * 1024, "1"), (512 * 1024, "0,5")])
def test_a_file_over_the_size_limit_is_refused(tree, settings, limit, shown):
    settings.IMPORT_MAX_BYTES = limit
    data = csv_bytes([member_row()]) + b"CB1,x" * (limit // 5)
    assert len(data) > limit

    result = run(data)

    assert errors_of(result) == {(None, "", f"Tệp lớn hơn {shown} MB; hãy chia thành nhiều tệp nhỏ hơn.")}
    assert not Member.objects.exists()


def test_a_file_over_the_row_limit_is_refused(tree, settings):
    settings.IMPORT_MAX_ROWS = 3
    assert run(csv_bytes([member_row() for _ in range(3)]), dry_run=True).ok

    result = run(csv_bytes([member_row() for _ in range(4)]))

    assert errors_of(result) == {(None, "", "Tệp có hơn 3 dòng đảng viên; hãy chia thành nhiều tệp.")}


def test_a_card_number_taken_during_the_import_leaves_nothing_half_saved(tree, monkeypatch):
    rows = [member_row(), member_row(), member_row(**{"Số thẻ đảng viên": "33334444"})]
    make_member(tree["cell_b"], card_number="33334444")
    # Someone else adds the card between the check and the insert; one row per batch, so that
    # the first rows are already written when the third fails.
    monkeypatch.setattr(database, "_taken_cards", lambda cards: {})
    monkeypatch.setattr(database, "INSERT_BATCH", 1)

    result = run(csv_bytes(rows))

    assert [e.message for e in result.errors] == [
        "Trong lúc nhập tệp, một số số thẻ đảng viên trong tệp đã được người khác thêm vào. "
        "Chưa có dữ liệu nào được nhập; hãy tải tệp lên lại để xem các dòng bị trùng."
    ]
    assert list(Member.objects.values_list("card_number", flat=True)) == ["33334444"]
    assert StatusPeriod.objects.count() == 1 and CellPeriod.objects.count() == 1


# Scope --------------------------------------------------------------------------------------


def test_rows_for_cells_outside_the_users_scope_are_errors_naming_the_cell(tree):
    staff = make_user_with_role(Role.Kind.COMMITTEE_STAFF, tree["commune"])
    rows = [member_row(), member_row(**{"Mã chi bộ": "CS2"}), member_row(**{"Mã chi bộ": "NOPE"})]
    result = run(csv_bytes(rows), user=staff)

    assert errors_of(result) == {
        (3, "Mã chi bộ", "CS2 không phải là mã của chi bộ trong phạm vi được quản lý."),
        (4, "Mã chi bộ", "NOPE không phải là mã của chi bộ trong phạm vi được quản lý."),
    }
    assert not Member.objects.exists()


def test_a_user_import_records_who_set_the_status(tree):
    staff = make_user_with_role(Role.Kind.COMMITTEE_STAFF, tree["commune"])
    result = run(csv_bytes([member_row()]), user=staff)

    assert result.imported
    assert StatusPeriod.objects.get().recorded_by == staff


# The management command ---------------------------------------------------------------------


def test_the_command_imports_a_good_file(tree, tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(xlsx_bytes([member_row(), member_row(**{"Mã chi bộ": "CB2"})]))
    out = io.StringIO()

    call_command("import_members", str(path), stdout=out)

    assert Member.objects.count() == 2 and CellPeriod.objects.count() == 2
    assert "CB1\t1\tChi bộ Tổ Toán" in out.getvalue()
    assert "Đã nhập 2 đảng viên." in out.getvalue()


def test_the_command_lists_every_error_and_imports_nothing(tree, tmp_path):
    path = tmp_path / "roster.csv"
    rows = [member_row(**{"Ngày sinh": "31/02/1980"}), member_row(**{"Mã chi bộ": "KHONGCO"})]
    path.write_bytes(csv_bytes(rows))
    err = io.StringIO()

    with pytest.raises(CommandError, match="2 lỗi; chưa nhập dữ liệu nào."):
        call_command("import_members", str(path), stderr=err)

    assert err.getvalue().splitlines() == [
        "Dòng 2, cột “Ngày sinh”: 31/02/1980 không phải là ngày hợp lệ: tháng này không có ngày 31.",
        "Dòng 3, cột “Mã chi bộ”: Không có tổ chức đảng nào có mã KHONGCO.",
    ]
    assert not Member.objects.exists()


def test_the_command_dry_run_saves_nothing(tree, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(csv_bytes([member_row()]))
    out = io.StringIO()

    call_command("import_members", str(path), "--dry-run", stdout=out)

    assert "Tệp hợp lệ: có thể nhập 1 đảng viên. Chưa lưu dữ liệu nào." in out.getvalue()
    assert not Member.objects.exists()


def test_the_command_refuses_a_missing_file(db, tmp_path):
    with pytest.raises(CommandError, match="Không có tệp"):
        call_command("import_members", str(tmp_path / "none.csv"))


# The page -----------------------------------------------------------------------------------


@pytest.fixture
def staff_client(client, tree):
    client.force_login(make_user_with_role(Role.Kind.COMMITTEE_STAFF, tree["base"]))
    return client


def upload(client, data: bytes, filename: str, **extra):
    return client.post(reverse("members:import"), {"file": SimpleUploadedFile(filename, data), **extra})


@pytest.mark.parametrize(
    "name", ["members:import", "members:import-template-xlsx", "members:import-template-csv"]
)
@pytest.mark.parametrize("kind", [Role.Kind.CELL_SECRETARY, Role.Kind.COMMITTEE_LEADER, Role.Kind.MEMBER])
def test_users_without_a_staff_role_get_404(client, tree, name, kind):
    client.force_login(
        make_user_with_role(kind, tree["cell_a"] if kind != Role.Kind.COMMITTEE_LEADER else tree["base"])
    )

    assert client.get(reverse(name)).status_code == 404


def test_anonymous_users_are_sent_to_sign_in(client, db):
    response = client.get(reverse("members:import"))

    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_page_offers_the_form_and_both_templates(staff_client):
    response = staff_client.get(reverse("members:import"))

    assert response.status_code == 200
    content = response.content.decode()
    assert 'enctype="multipart/form-data"' in content
    assert reverse("members:import-template-xlsx") == "/dang-vien/nhap-danh-sach/mau.xlsx"
    assert (
        reverse("members:import-template-xlsx") in content
        and reverse("members:import-template-csv") in content
    )
    assert "Tệp danh sách" in content  # the form's label, from the members catalog


def test_the_provincial_board_sees_the_import_in_the_navigation(client, tree):
    client.force_login(make_user_with_role(Role.Kind.PROVINCIAL_BOARD, tree["province"]))

    response = client.get(reverse("home"))

    assert reverse("members:import") in response.content.decode()


def test_a_bad_upload_shows_every_error_and_imports_nothing(staff_client):
    rows = [member_row(), member_row(**{"Ngày sinh": "31/02/1980"}), member_row(**{"Mã chi bộ": "CS2"})]

    response = upload(staff_client, csv_bytes(rows), "roster.csv")

    assert response.status_code == 200
    content = response.content.decode()
    assert "31/02/1980 không phải là ngày hợp lệ: tháng này không có ngày 31." in content
    assert "CS2 không phải là mã của chi bộ trong phạm vi được quản lý." in content
    assert [(e.row, e.column) for e in response.context["result"].errors] == [
        (3, "Ngày sinh"),
        (4, "Mã chi bộ"),
    ]
    assert '<th scope="col">' in content
    assert not Member.objects.exists()


def test_a_renamed_pdf_upload_shows_the_file_error(staff_client):
    response = upload(staff_client, b"%PDF-1.4\n" + bytes(100), "danh-sach.xlsx")

    assert "có vẻ đây là tệp PDF bị đổi tên" in response.content.decode()
    assert not Member.objects.exists()


def test_an_upload_over_the_size_limit_is_refused_before_reading(staff_client, settings):
    settings.IMPORT_MAX_BYTES = 1024 * 1024

    response = upload(staff_client, b"x" * (1024 * 1024 + 1), "roster.csv")

    assert "Tệp lớn hơn 1 MB; hãy chia thành nhiều tệp nhỏ hơn." in response.content.decode()


def test_the_page_caps_the_error_table_but_counts_every_error(staff_client):
    rows = [member_row(**{"Ngày sinh": "abc"}) for _ in range(250)]

    response = upload(staff_client, csv_bytes(rows), "roster.csv")

    assert len(response.context["result"].errors) == 250
    assert len(response.context["errors_shown"]) == 200
    assert response.context["errors_by_column"] == [("Ngày sinh", 250)]
    assert response.content.decode().count("không phải là ngày; hãy ghi ngày") == 200


def test_a_good_upload_imports_and_shows_the_summary(staff_client, tree):
    rows = [member_row(), member_row(), member_row(**{"Mã chi bộ": "CB2"})]

    response = upload(staff_client, xlsx_bytes(rows), "roster.xlsx")

    assert response.status_code == 200
    assert not response.context["result"].errors
    assert Member.objects.filter(cell=tree["cell_a"]).count() == 2
    assert Member.objects.filter(cell=tree["cell_b"]).count() == 1
    assert StatusPeriod.objects.count() == 3 and CellPeriod.objects.count() == 3
    assert reverse("members:list", args=["CB1"]) in response.content.decode()


def test_check_only_upload_saves_nothing(staff_client):
    response = upload(staff_client, csv_bytes([member_row()]), "roster.csv", check_only="on")

    assert response.context["result"].ok and response.context["result"].dry_run
    assert not Member.objects.exists()


def test_the_downloaded_xlsx_template_imports_once_its_example_names_a_real_cell(staff_client):
    response = staff_client.get(reverse("members:import-template-xlsx"))

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = [list(row) for row in workbook.active.iter_rows(values_only=True)]
    assert rows[0] == HEADER and len(rows) == 2
    assert run(response.content, filename="mau.xlsx").errors[0].message.startswith("Không có tổ chức đảng")
    rows[1][0] = "CB1"
    result = run(xlsx_bytes([rows[1]]), filename="mau.xlsx")
    assert result.imported, result.errors


def test_the_downloaded_csv_template_imports_once_its_example_names_a_real_cell(staff_client):
    response = staff_client.get(reverse("members:import-template-csv"))

    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == HEADER and len(rows) == 2
    rows[1][0] = "CB2"
    result = run(csv_bytes([rows[1]]))
    assert result.imported, result.errors
