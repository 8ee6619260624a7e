"""Named reads of alerts: what the dashboard and the digests show."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from projects.alerts.models import Alert, AlertRule

DASHBOARD_ALERTS = 20


@dataclass(frozen=True)
class OpenAlerts:
    """The newest open alerts and how many are open in all."""

    alerts: list[Alert]
    total: int


def open_alerts(limit: int = DASHBOARD_ALERTS) -> OpenAlerts:
    """The newest open alerts with their agreements, and the count of all open ones (two queries)."""
    showing = Alert.objects.showing()
    return OpenAlerts(list(showing.select_related("agreement")[:limit]), showing.count())


def open_alerts_of(agreement_ids: set[int]) -> QuerySet[Alert]:
    """Open alerts on these agreements, oldest condition first (one query for a whole batch of digests)."""
    return Alert.objects.showing().filter(agreement_id__among=agreement_ids).order_by("since", "pk")


def alert_rules() -> QuerySet[AlertRule]:
    return AlertRule.objects.order_by("kind")
