"""Milestones as the dashboard lists them: what is late and what falls due soon."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import QuerySet

from projects.models import Agreement, Milestone

DUE_SOON_DAYS = 30
DASHBOARD_LIST_LENGTH = 10


def late_and_due_milestones(agreements: QuerySet[Agreement], today: date) -> dict:
    """The first overdue milestones and those due in the next 30 days, with their totals (four queries)."""
    base = Milestone.objects.filter(agreement__in=agreements.values("pk")).select_related("agreement", "responsible")
    overdue = base.overdue(today).order_by("due_on", "pk")
    due_soon = base.open().filter(due_on__gte=today, due_on__lte=today + timedelta(days=DUE_SOON_DAYS))
    due_soon = due_soon.order_by("due_on", "pk")
    return {
        "overdue": list(overdue[:DASHBOARD_LIST_LENGTH]),
        "overdue_total": overdue.count(),
        "due_soon": list(due_soon[:DASHBOARD_LIST_LENGTH]),
        "due_soon_total": due_soon.count(),
        "due_soon_days": DUE_SOON_DAYS,
    }
