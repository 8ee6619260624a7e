"""An agreement's milestones on one date axis, positions in percent.

A milestone has a due date and no start date, so each is drawn as a mark on its due date, never as a
bar from an invented start. The axis spans the milestones and today (padded a little), not the whole
run of the agreement, so that milestones clustered in a few weeks spread out; its ticks fall on whole
weeks, months, quarters or years, whichever gives a handful; today is a labelled line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.dateformat import format as format_date

from projects.models import Agreement, Milestone

MIN_SPAN_DAYS = 14
MAX_TICKS = 6


@dataclass(frozen=True)
class TimelineRow:
    milestone: Milestone
    due: float  # percent of the axis
    progress: float | None  # percent of the target reached, when the milestone counts something
    overdue: bool


@dataclass(frozen=True)
class Tick:
    at: float
    label: str


@dataclass(frozen=True)
class Timeline:
    starts_on: date
    ends_on: date
    today: float | None
    rows: list[TimelineRow]
    ticks: list[Tick]


def milestone_timeline(agreement: Agreement, milestones: list[Milestone], today: date) -> Timeline | None:
    """Each milestone as a mark on its due date, on an axis around the milestones and today."""
    if not milestones:
        return None
    dues = [m.due_on for m in milestones]
    first, last = min(*dues, today), max(*dues, today)
    pad = max((last - first).days // 20, 1)
    first, last = first - timedelta(days=pad), last + timedelta(days=pad)
    if (last - first).days < MIN_SPAN_DAYS:
        middle = first + (last - first) / 2
        first, last = middle - timedelta(days=MIN_SPAN_DAYS // 2), middle + timedelta(days=MIN_SPAN_DAYS // 2)
    span = (last - first).days

    def at(day: date) -> float:
        return round(100 * (day - first).days / span, 2)

    rows = [
        TimelineRow(
            milestone=milestone,
            due=at(milestone.due_on),
            progress=None if milestone.progress is None else round(milestone.progress * 100, 1),
            overdue=milestone.is_overdue,
        )
        for milestone in sorted(milestones, key=lambda m: (m.due_on, m.pk))
    ]
    # A label centred on a tick at the very edge would stick out of the axis.
    ticks = [Tick(at(day), label) for day, label in axis_ticks(first, last) if 4 <= at(day) <= 96]
    return Timeline(first, last, at(today), rows, ticks)


def axis_ticks(first: date, last: date) -> list[tuple[date, str]]:
    """Whole weeks (Mondays), months, quarters or years between two days: the finest giving at most six."""
    steps = [(7, "weeks"), (1, "months"), (3, "months"), (6, "months"), (12, "months"), (24, "months")]
    for size, unit in steps:
        days = _ticks(first, last, size, unit)
        if len(days) <= MAX_TICKS:
            break
    if unit == "weeks":
        return [(day, format_date(day, "j M")) for day in days]
    if size >= 12:
        return [(day, format_date(day, "Y")) for day in days]
    # Short labels fit a phone's width: the year only where it starts and on the first tick.
    return [(day, format_date(day, "M Y" if n == 0 or day.month == 1 else "M")) for n, day in enumerate(days)]


def _ticks(first: date, last: date, size: int, unit: str) -> list[date]:
    if unit == "weeks":
        day = first + timedelta(days=(7 - first.weekday()) % 7)
        return [day + timedelta(weeks=n) for n in range((last - day).days // 7 + 1)]
    month = (first.year * 12 + first.month - 1 + size - 1) // size * size  # the first whole step on or after
    days = []
    while True:
        day = date(month // 12, month % 12 + 1, 1)
        if day > last:
            return days
        if day >= first:
            days.append(day)
        month += size
