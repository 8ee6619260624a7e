"""Cells of the pages' data tables, formatted by the kind of their column."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext

from projects.web.tables import DAY, MONEY, NUMBER, PERCENT
from projects.web.templatetags.figures import money

register = template.Library()
SMALLEST_PERCENT = Decimal("0.0001")


def percent_of_gdp(value: Decimal) -> str:
    """Shares of GDP are small: four decimals, and "< 0.0001%" rather than a misleading 0.0000%."""
    if 0 < value < SMALLEST_PERCENT:
        return f"< {number_format(SMALLEST_PERCENT)}%"
    return f"{number_format(value.quantize(SMALLEST_PERCENT, rounding=ROUND_HALF_UP))}%"


@register.simple_tag
def cell(row: dict, column) -> str:
    value = row.get(column.key)
    if value is None or value == "":
        return gettext("—")
    if column.kind == MONEY:
        return money(value)
    if column.kind == PERCENT:
        return percent_of_gdp(value)
    if column.kind == NUMBER:
        return number_format(value, force_grouping=True) if isinstance(value, int) and value >= 10000 else str(value)
    if column.kind == DAY:
        return date_format(value, "DATE_FORMAT")
    return str(value)
