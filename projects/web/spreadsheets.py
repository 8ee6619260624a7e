"""Reading an uploaded spreadsheet into rows, within limits that keep a hostile file from exhausting the server.

CSV is read as Excel writes it: UTF-8 (with or without a byte-order mark), UTF-16 with one, else Windows-1252;
the separator is the one the header line uses most (comma, semicolon or tab), and a semicolon file is European
Excel's, whose numbers have decimal commas. An XLSX file is a zip: its members' unpacked sizes are checked before
anything is parsed (412 KB can unpack to 400 MB), then the first sheet is read row by row in read-only mode.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import tablib
from django.conf import settings

SEPARATORS = (",", ";", "\t")


class UnreadableFile(ValueError):
    """The file as a whole cannot be imported; the message says what to change."""


@dataclass(frozen=True)
class Limits:
    """What one import may hold (see the README's configuration table)."""

    upload_bytes: int
    unpacked_bytes: int
    rows: int
    cell_chars: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            upload_bytes=settings.IMPORT_MAX_UPLOAD_BYTES,
            unpacked_bytes=settings.IMPORT_MAX_UNPACKED_BYTES,
            rows=settings.IMPORT_MAX_ROWS,
            cell_chars=settings.IMPORT_MAX_CELL_CHARS,
        )


@dataclass(frozen=True)
class Sheet:
    """The header and data rows of a file; `numbers` are the rows' numbers as a spreadsheet shows them."""

    headers: list[str]
    rows: list[list]
    numbers: list[int]
    decimal_comma: bool = False

    def dataset(self) -> tablib.Dataset:
        return tablib.Dataset(*self.rows, headers=self.headers)


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:,.1f} MB"


def check_size(size: int, limits: Limits) -> None:
    if size > limits.upload_bytes:
        raise UnreadableFile(
            f"The file is larger than {megabytes(limits.upload_bytes)}; split it into several imports."
        )


def read_sheet(name: str, content: bytes, limits: Limits) -> Sheet:
    """The file's rows, or UnreadableFile saying why not and what to change."""
    check_size(len(content), limits)
    suffix = Path(name).suffix.lower()
    if suffix == ".csv":
        return read_csv(content, limits)
    if suffix == ".xlsx":
        return read_xlsx(content, limits)
    raise UnreadableFile("Upload a .csv or .xlsx file.")


def decode(content: bytes) -> str:
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return content.decode("utf-16")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile("This file's characters cannot be read; save it as “CSV UTF-8” and upload it again.")


def separator(text: str) -> str:
    """The separator the header line uses most; a comma when it uses none."""
    header = text.split("\n", 1)[0]
    return max(SEPARATORS, key=header.count) if any(s in header for s in SEPARATORS) else ","


def read_csv(content: bytes, limits: Limits) -> Sheet:
    text = decode(content)
    delimiter = separator(text)
    try:
        return collect(
            enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), 1),
            limits,
            decimal_comma=delimiter == ";",
        )
    except csv.Error as exc:
        raise UnreadableFile(f"This file cannot be read as CSV: {exc}.") from exc


def read_xlsx(content: bytes, limits: Limits) -> Sheet:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise UnreadableFile("This file cannot be read as xlsx: it is not an Excel workbook.") from exc
    if unpacked > limits.unpacked_bytes:
        raise UnreadableFile(
            f"Unpacked, this workbook takes {megabytes(unpacked)}; the import reads workbooks of up to "
            f"{megabytes(limits.unpacked_bytes)}. Save the sheet to import as CSV, or split it."
        )
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise UnreadableFile(f"This file cannot be read as xlsx: {exc}") from exc
    try:
        return collect(enumerate(book.worksheets[0].iter_rows(values_only=True), 1), limits)
    finally:
        book.close()


def collect(numbered_rows: Iterable[tuple[int, Iterable]], limits: Limits, *, decimal_comma: bool = False) -> Sheet:
    """Header and data rows, blank rows left out; stops at the first row or cell past the limits."""
    rows: Iterator[tuple[int, list]] = (
        (number, values) for number, values in ((n, list(v)) for n, v in numbered_rows) if not blank(values)
    )
    first = next(rows, None)
    if first is None:
        raise UnreadableFile("The file is empty; the first row must name the columns.")
    headers = header_names(first[1])
    sheet = Sheet(headers, [], [], decimal_comma)
    for number, values in rows:
        if len(sheet.rows) == limits.rows:
            raise UnreadableFile(
                f"The file has more than {limits.rows:,} rows; split it into files of at most {limits.rows:,} rows."
            )
        sheet.rows.append(fitted(number, values, headers, limits))
        sheet.numbers.append(number)
    if not sheet.rows:
        raise UnreadableFile("The file has no rows below the one that names the columns.")
    return sheet


def blank(values: list) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in values)


def header_names(values: list) -> list[str]:
    names = [str(value or "").strip().lower() for value in values]
    while names and not names[-1]:
        names.pop()
    doubled = sorted({name for name in names if name and names.count(name) > 1})
    if doubled:
        raise UnreadableFile(f"The column “{doubled[0]}” appears more than once in the first row.")
    return names


def fitted(number: int, values: list, headers: list[str], limits: Limits) -> list:
    """The row cut or padded to the header's width; a value beyond it, or a cell too long, refuses the file."""
    extra = [value for value in values[len(headers) :] if not blank([value])]
    if extra:
        raise UnreadableFile(
            f"Row {number} has more values than the first row has columns. A value holding the separator "
            "(such as 1,000,000 in a comma-separated file) must be in double quotes."
        )
    for column, value in zip(headers, values, strict=False):
        if isinstance(value, str) and len(value) > limits.cell_chars:
            raise UnreadableFile(
                f"Row {number}, column “{column}” holds {len(value):,} characters; a cell may hold at most "
                f"{limits.cell_chars:,}."
            )
    return [*values[: len(headers)], *[None] * (len(headers) - len(values))]
