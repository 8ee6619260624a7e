"""How figures read on the pages: money in whole units grouped in thousands, shares in percent, exact rates.

Separators follow the page's language (12,345,679 in English, 12 345 679 in Ukrainian, with a no-break space).
"""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.formats import number_format

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
