"""Amounts, whole numbers and dates as people type them into spreadsheets, read without guessing.

Amounts may group thousands with commas, dots or spaces (also the non-breaking ones Excel and LibreOffice
write): "1,000,000.50", "1 000 000,50", "1.000.000,50". When a value uses one mark only, the file decides: a
semicolon-separated file (European Excel) has decimal commas, any other file decimal points. Dates are
year-month-day or day/month/year, never month/day/year: "02/01/2026" is 2 January. A value that fits none of
these is refused with a message showing what to write instead.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from import_export import widgets

SPACES = re.compile("[ \u00a0\u202f\u2009]")
SIGNED = re.compile(r"^([+-]?)([\d.,]+)$")
GROUPED = r"\d{{1,3}}(?:{group}\d{{3}})+"
ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
DMY_DAY = re.compile(r"^(\d{1,2})([./-])(\d{1,2})\2(\d{4})$")

AMOUNT_HELP = (
    "write it as 1234567.89, 1,234,567.89 or 1 234 567.89 without a currency sign (with a decimal comma in a "
    "semicolon-separated file)"
)
DAY_HELP = "write dates as 2026-02-01 or 01/02/2026 (day/month/year)"


def parse_amount(value, *, decimal_comma: bool = False) -> Decimal | None:
    """A Decimal from a number cell or text; None for an empty cell; ValueError saying what to write."""
    if value is None or isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise ValueError(f"“{value}” is not a number: {AMOUNT_HELP}.")
    if isinstance(value, int | float):
        return Decimal(repr(value))  # the shortest repr: 0.1 stays 0.1, not 0.1000000000000000055…
    text = str(value).strip()
    if not text:
        return None
    match = SIGNED.match(SPACES.sub("", text))
    digits = plain_digits(match.group(2), decimal_comma) if match else None
    if digits is None:
        raise ValueError(f"“{text}” is not a number: {AMOUNT_HELP}.")
    try:
        return Decimal(match.group(1) + digits)
    except InvalidOperation:
        raise ValueError(f"“{text}” is not a number: {AMOUNT_HELP}.") from None


def plain_digits(number: str, decimal_comma: bool) -> str | None:
    """The number with a decimal point and no grouping, or None when its marks make no sense."""
    if "," in number and "." in number:
        decimal_mark = "," if number.rfind(",") > number.rfind(".") else "."
        return regrouped(number, group="." if decimal_mark == "," else ",", decimal_mark=decimal_mark)
    for mark in (",", "."):
        if number.count(mark) > 1:
            return regrouped(number, group=mark, decimal_mark=None)
    if "," in number:
        return number.replace(",", ".") if decimal_comma else regrouped(number, group=",", decimal_mark=None)
    if "." in number and decimal_comma and re.fullmatch(GROUPED.format(group=r"\."), number):
        return number.replace(".", "")  # 1.500 in European Excel is fifteen hundred
    return number


def regrouped(number: str, *, group: str, decimal_mark: str | None) -> str | None:
    whole, fraction = number, ""
    if decimal_mark:
        whole, _, fraction = number.partition(decimal_mark)
        if not fraction.isdigit():
            return None
    if not re.fullmatch(GROUPED.format(group=re.escape(group)), whole):
        return None
    return whole.replace(group, "") + (f".{fraction}" if fraction else "")


def parse_count(value, *, decimal_comma: bool = False) -> int | None:
    """A whole number, with the same grouping as amounts; None for an empty cell."""
    amount = parse_amount(value, decimal_comma=decimal_comma)
    if amount is None:
        return None
    if amount != amount.to_integral_value():
        raise ValueError(f"“{value}” is not a whole number.")
    return int(amount)


def parse_day(value) -> date | None:
    """A date from a date cell or from text in year-month-day or day/month/year; None for an empty cell."""
    if value is None or isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, datetime):
        return value.date()
    text = str(value).strip()
    if not text:
        return None
    iso, dmy = ISO_DAY.match(text), DMY_DAY.match(text)
    try:
        if iso:
            return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        if dmy:
            return date(int(dmy.group(4)), int(dmy.group(3)), int(dmy.group(1)))
    except ValueError:
        pass
    raise ValueError(f"“{text}” is not a date: {DAY_HELP}.")


class AmountWidget(widgets.Widget):
    """A decimal amount; the import passes `decimal_comma` for a semicolon-separated file."""

    def clean(self, value, row=None, decimal_comma: bool = False, **kwargs) -> Decimal | None:
        return parse_amount(value, decimal_comma=decimal_comma)


class CountWidget(widgets.Widget):
    def clean(self, value, row=None, decimal_comma: bool = False, **kwargs) -> int | None:
        return parse_count(value, decimal_comma=decimal_comma)


class DayWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs) -> date | None:
        return parse_day(value)
