"""Writing spreadsheets that hold values only: text stays text, numbers numbers, dates dates, never a formula.

Text that begins with = + - @, a tab or a carriage return is a formula to Excel and LibreOffice (OWASP's
"CSV injection"): in CSV it gets a leading apostrophe, which spreadsheets read as "this is text"; in XLSX
it is written as a string cell marked quote-prefixed, so it stays text even when someone edits the cell.
Numbers, negative ones included, are written as numbers. CSV starts with a byte-order mark so that Excel
reads it as UTF-8.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

import openpyxl
from django.http import HttpResponse
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

SHEET_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"


def csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return f"'{value}" if value.startswith(FORMULA_STARTS) else value
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([csv_value(header) for header in headers])
    writer.writerows([csv_value(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_cell(sheet, value) -> WriteOnlyCell:
    """A typed cell: strings are set as strings, so openpyxl never takes `=…` for a formula."""
    cell = WriteOnlyCell(sheet)
    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"
        cell.quotePrefix = value.startswith(FORMULA_STARTS)
    elif isinstance(value, date):
        cell.value, cell.number_format = value, DATE_FORMAT
    elif isinstance(value, Decimal):
        cell.value, cell.number_format = value, MONEY_FORMAT
    elif value is not None:
        cell.value = value  # int
    return cell


def xlsx_bytes(headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append([xlsx_cell(sheet, header) for header in headers])
    for row in rows:
        sheet.append([xlsx_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def sheet_response(name: str, file_type: str, headers: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    content = csv_bytes(headers, rows) if file_type == "csv" else xlsx_bytes(headers, rows)
    response = HttpResponse(content, content_type=SHEET_TYPES[file_type])
    response["Content-Disposition"] = f'attachment; filename="{name}.{file_type}"'
    return response
