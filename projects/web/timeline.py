"""A Gantt-style layout of an agreement's milestones on one date axis, positions in percent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from projects.models import Agreement, Milestone


@dataclass(frozen=True)
class TimelineRow:
    milestone: Milestone
    start: float  # percent of the axis
    width: float
    due: float
    progress: float | None  # percent of the target reached, when the milestone counts something
    overdue: bool


@dataclass(frozen=True)
class Timeline:
    starts_on: date
    ends_on: date
    today: float | None
    rows: list[TimelineRow]
    ticks: list[tuple[float, date]]


def milestone_timeline(agreement: Agreement, milestones: list[Milestone], today: date) -> Timeline | None:
    """Each milestone spans from the previous due date (or the agreement's start) to its own due date."""
    if not milestones:
        return None
    dues = [m.due_on for m in milestones]
    first = min(d for d in [agreement.starts_on, min(dues), today] if d)
    last = max(d for d in [agreement.ends_on, max(dues)] if d)
    last = max(last, first + timedelta(days=1))
    span = (last - first).days

    def at(day: date) -> float:
        return round(100 * (day - first).days / span, 2)

    rows = []
    previous = agreement.starts_on or first
    for milestone in sorted(milestones, key=lambda m: (m.due_on, m.pk)):
        start = min(previous, milestone.due_on)
        progress = None if milestone.progress is None else round(milestone.progress * 100, 1)
        rows.append(
            TimelineRow(
                milestone=milestone,
                start=at(start),
                width=max(at(milestone.due_on) - at(start), 0.8),
                due=at(milestone.due_on),
                progress=progress,
                overdue=milestone.is_overdue,
            )
        )
        previous = milestone.due_on
    ticks = [(at(first), first), (at(last), last)]
    return Timeline(first, last, at(today) if first <= today <= last else None, rows, ticks)
