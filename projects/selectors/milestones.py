"""Milestones as the dashboard lists them: what is late and what falls due soon."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Count, Q

from projects.models import Milestone
from projects.selectors.agreements import Scope, in_scope, reached_through

DUE_SOON_DAYS = 30
DASHBOARD_LIST_LENGTH = 10


def late_and_due_milestones(agreements: Scope, today: date) -> dict:
    """The first overdue milestones and those due in the next 30 days, with their totals (three queries)."""
    base = Milestone.objects.filter(reached_through(in_scope(agreements), "agreement__"))
    soon = today + timedelta(days=DUE_SOON_DAYS)
    totals = (
        base.open()
        .filter(due_on__lte=soon)
        .aggregate(overdue=Count("pk", filter=Q(due_on__lt=today)), due_soon=Count("pk", filter=Q(due_on__gte=today)))
    )
    listed = base.select_related("agreement", "responsible").order_by("due_on", "pk")
    return {
        "overdue": list(listed.overdue(today)[:DASHBOARD_LIST_LENGTH]),
        "overdue_total": totals["overdue"],
        "due_soon": list(listed.open().filter(due_on__gte=today, due_on__lte=soon)[:DASHBOARD_LIST_LENGTH]),
        "due_soon_total": totals["due_soon"],
        "due_soon_days": DUE_SOON_DAYS,
    }
