"""The templates to download (.xlsx, .csv): the column titles and one example row."""

import csv
import io

import openpyxl
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from members.roster.columns import COLUMNS, EXAMPLE_ROW


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
