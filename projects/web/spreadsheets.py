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
from decimal import Decimal
from pathlib import Path

import openpyxl
import tablib
from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _

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
    """The size to one decimal, written as the page's language writes numbers ("1,234.5 MB", "1 234,5 MB")."""
    return _("%(size)s MB") % {"size": number_format(Decimal(f"{size / 1_000_000:.1f}"), 1, force_grouping=True)}


def count(number: int) -> str:
    return number_format(number, force_grouping=True)


def check_size(size: int, limits: Limits) -> None:
    if size > limits.upload_bytes:
        raise UnreadableFile(
            _("The file is larger than %(size)s; split it into several imports.")
            % {"size": megabytes(limits.upload_bytes)}
        )


def read_sheet(name: str, content: bytes, limits: Limits) -> Sheet:
    """The file's rows, or UnreadableFile saying why not and what to change."""
    check_size(len(content), limits)
    suffix = Path(name).suffix.lower()
    if suffix == ".csv":
        return read_csv(content, limits)
    if suffix == ".xlsx":
        return read_xlsx(content, limits)
    raise UnreadableFile(_("Upload a .csv or .xlsx file."))


def decode(content: bytes) -> str:
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return content.decode("utf-16")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile(_("This file's characters cannot be read; save it as “CSV UTF-8” and upload it again."))


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
        raise UnreadableFile(_("This file cannot be read as CSV: %(error)s.") % {"error": exc}) from exc


def read_xlsx(content: bytes, limits: Limits) -> Sheet:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise UnreadableFile(_("This file cannot be read as xlsx: it is not an Excel workbook.")) from exc
    if unpacked > limits.unpacked_bytes:
        raise UnreadableFile(
            _(
                "Unpacked, this workbook takes %(size)s; the import reads workbooks of up to %(limit)s. "
                "Save the sheet to import as CSV, or split it."
            )
            % {"size": megabytes(unpacked), "limit": megabytes(limits.unpacked_bytes)}
        )
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise UnreadableFile(_("This file cannot be read as xlsx: %(error)s") % {"error": exc}) from exc
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
        raise UnreadableFile(_("The file is empty; the first row must name the columns."))
    headers = header_names(first[1])
    sheet = Sheet(headers, [], [], decimal_comma)
    for number, values in rows:
        if len(sheet.rows) == limits.rows:
            raise UnreadableFile(
                _("The file has more than %(limit)s rows; split it into files of at most %(limit)s rows.")
                % {"limit": count(limits.rows)}
            )
        sheet.rows.append(fitted(number, values, headers, limits))
        sheet.numbers.append(number)
    if not sheet.rows:
        raise UnreadableFile(_("The file has no rows below the one that names the columns."))
    return sheet


def blank(values: list) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in values)


def header_names(values: list) -> list[str]:
    names = [str(value or "").strip().lower() for value in values]
    while names and not names[-1]:
        names.pop()
    doubled = sorted({name for name in names if name and names.count(name) > 1})
    if doubled:
        raise UnreadableFile(
            _("The column “%(column)s” appears more than once in the first row.") % {"column": doubled[0]}
        )
    return names


def fitted(number: int, values: list, headers: list[str], limits: Limits) -> list:
    """The row cut or padded to the header's width; a value beyond it, or a cell too long, refuses the file."""
    extra = [value for value in values[len(headers) :] if not blank([value])]
    if extra:
        raise UnreadableFile(
            _(
                "Row %(row)s has more values than the first row has columns. A value holding the separator "
                "(such as 1,000,000 in a comma-separated file) must be in double quotes."
            )
            % {"row": number}
        )
    for column, value in zip(headers, values, strict=False):
        if isinstance(value, str) and len(value) > limits.cell_chars:
            raise UnreadableFile(
                _("Row %(row)s, column “%(column)s” holds %(length)s characters; a cell may hold at most %(limit)s.")
                % {"row": number, "column": column, "length": count(len(value)), "limit": count(limits.cell_chars)}
            )
    return [*values[: len(headers)], *[None] * (len(headers) - len(values))]
