"""Server-rendered SVG charts: horizontal stacked bars with a data table as their text alternative."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django import template

register = template.Library()

ROW_HEIGHT = 28
LABEL_WIDTH = 34  # percent of the chart's width given to row labels


@dataclass(frozen=True)
class Segment:
    name: str
    value: Decimal
    css: str
    x: float = 0.0
    width: float = 0.0


@dataclass(frozen=True)
class Bar:
    label: str
    segments: list[Segment]
    y: int
    total: Decimal


def layout(rows: list[tuple[str, list[Segment]]]) -> tuple[list[Bar], int]:
    """Place stacked bars on a 0..100 width scale, the longest bar filling the space beside the labels."""
    longest = max((sum((s.value for s in segments), Decimal(0)) for _, segments in rows), default=Decimal(0))
    scale = (100 - LABEL_WIDTH) / float(longest) if longest > 0 else 0.0
    bars = []
    for index, (label, segments) in enumerate(rows):
        x = float(LABEL_WIDTH)
        placed = []
        for segment in segments:
            width = max(float(segment.value), 0.0) * scale
            placed.append(Segment(segment.name, segment.value, segment.css, x, width))
            x += width
        bars.append(Bar(label, placed, index * ROW_HEIGHT, sum((s.value for s in segments), Decimal(0))))
    return bars, max(len(rows), 1) * ROW_HEIGHT


@register.inclusion_tag("projects/includes/bar_chart.html")
def bar_chart(chart_id: str, title: str, rows: list[tuple[str, list[Segment]]], unit: str = ""):
    bars, height = layout(rows)
    legend = bars[0].segments if bars else []
    return {
        "chart_id": chart_id,
        "title": title,
        "bars": bars,
        "height": height,
        "unit": unit,
        "legend": legend,
        "label_width": LABEL_WIDTH,
        "row_height": ROW_HEIGHT,
    }
