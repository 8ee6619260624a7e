"""How figures read on the pages: money in whole units grouped in thousands, shares in percent, exact rates.

Separators follow the page's language (12,345,679 in English, 12 345 679 in Ukrainian, with a no-break space).
"""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from projects.choices import Rag

register = template.Library()


@register.filter
def money(value) -> str:
    """12345678.50 → "12,345,679"; pages show whole units, exact figures stay in exports."""
    if value is None or value == "":
        return "—"
    return number_format(Decimal(value).quantize(Decimal("1"), rounding=ROUND_HALF_UP), force_grouping=True)


@register.filter
def percent(share) -> str:
    """0.4215 → "42.2%" ("42,2%" in Ukrainian)."""
    if share is None:
        return "—"
    return f"{number_format((Decimal(share) * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP))}%"


@register.filter
def rate(value) -> str:
    """1.17000000 → "1.17", 100.00000000 → "100": every significant digit of an exchange rate, no exponent."""
    if value is None:
        return "—"
    return number_format(f"{Decimal(value).normalize():f}")


@register.filter
def rag_label(value: str) -> str:
    """An agreement's latest RAG code as the page's language names it ("green" → "Green", "Зелений")."""
    return Rag(value).label if value in Rag.values else value


COMPACT = ((Decimal("1e9"), _("bn")), (Decimal("1e6"), _("m")), (Decimal("1e3"), _("k")))


@register.filter
def compact(value) -> str:
    """3400000000 → "3.4 bn", 35900000 → "35.9 m": a value written on a bar (the table gives it in full)."""
    if value is None:
        return "—"
    value = Decimal(value)
    for size, unit in COMPACT:
        if abs(value) >= size:
            return f"{number_format((value / size).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP))} {unit}"
    return number_format(value.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


@register.filter
def add_width(x, width) -> str:
    """Where a bar's value is written: just right of the bar's end, in percent of the chart's width."""
    return f"{float(x) + float(width) + 0.8:.3f}"
