"""Server-rendered SVG charts: horizontal bars with their values written on them, a legend, and a data
table (with a totals row) as their text alternative; the chart's data downloads as CSV where it says where."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django import template

register = template.Library()

ROW_HEIGHT = 28
GROUPED_LINE = 14  # height of one line of a grouped bar (one per series)
LABEL_WIDTH = 30  # percent of the chart's width given to row labels
VALUE_WIDTH = 16  # percent kept right of the longest bar for its value


@dataclass(frozen=True)
class Segment:
    name: str
    value: Decimal
    css: str
    x: float = 0.0
    width: float = 0.0
    y: int = 0


@dataclass(frozen=True)
class Bar:
    label: str
    segments: list[Segment]
    y: int
    total: Decimal
    end: float  # where the bar's value is written
    height: int


def layout(rows: list[tuple[str, list[Segment]]], *, grouped: bool = False) -> tuple[list[Bar], int]:
    """Place bars on a 0..100 width scale, the longest filling the space between labels and values.

    Stacked (the default), a row's segments follow each other; grouped, each segment is a line of its own
    under the same label (series that are not parts of one whole, such as money pledged and paid by month).
    """
    lengths = [segment.value for _, segments in rows for segment in segments] if grouped else None
    longest = max(lengths or [sum((s.value for s in segments), Decimal(0)) for _, segments in rows] or [Decimal(0)])
    scale = (100 - LABEL_WIDTH - VALUE_WIDTH) / float(longest) if longest > 0 else 0.0
    height = ROW_HEIGHT if not grouped else GROUPED_LINE * max((len(s) for _, s in rows), default=1) + 10
    bars = []
    for index, (label, segments) in enumerate(rows):
        x, y, placed = float(LABEL_WIDTH), index * height, []
        for line, segment in enumerate(segments):
            width = max(float(segment.value), 0.0) * scale
            top = y + 4 + (line * GROUPED_LINE if grouped else 0)
            placed.append(Segment(segment.name, segment.value, segment.css, x, width, top))
            if not grouped:
                x += width
        end = max((s.x + s.width for s in placed), default=float(LABEL_WIDTH))
        bars.append(Bar(label, placed, y, sum((s.value for s in segments), Decimal(0)), end, height))
    return bars, max(len(rows), 1) * height


@register.inclusion_tag("projects/includes/bar_chart.html")
def bar_chart(
    chart_id: str,
    title: str,
    rows: list[tuple[str, list[Segment]]],
    unit: str = "",
    csv_url: str = "",
    grouped: bool = False,
):
    bars, height = layout(rows, grouped=grouped)
    legend = bars[0].segments if bars else []
    totals = [sum((bar.segments[i].value for bar in bars), Decimal(0)) for i in range(len(legend))]
    return {
        "chart_id": chart_id,
        "title": title,
        "bars": bars,
        "height": height,
        "unit": unit,
        "legend": legend,
        "totals": totals,
        "grouped": grouped,
        "csv_url": csv_url,
        "label_width": LABEL_WIDTH,
        "bar_height": (GROUPED_LINE - 3) if grouped else ROW_HEIGHT - 8,
    }
