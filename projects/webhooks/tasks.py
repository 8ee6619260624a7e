"""Celery tasks of webhooks: thin wrappers around delivery attempts, the relay, the overdue scan, notices and the log.

Retries of a delivery follow its own schedule (`delivery.retry_delay`), not Celery's: a retry due within
`QUEUE_WITHIN` seconds is queued with a countdown; later ones wait in the database for the relay, which
beat runs every minute (no broker holds a task for hours, and a lost message costs a minute at most).
"""

from __future__ import annotations

from datetime import date, timedelta
from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.utils import timezone

QUEUE_WITHIN = 600
RELAY_GRACE = timedelta(seconds=60)
RELAY_BATCH = 1000


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=90, time_limit=120)
def deliver(delivery_id: int) -> str:
    """Attempt one delivery if it is due; a duplicate or late task finds it not due and does nothing."""
    from projects.webhooks.delivery import attempt

    outcome = attempt(delivery_id)
    if outcome.retry_in is not None and outcome.retry_in <= QUEUE_WITHIN:
        deliver.apply_async((delivery_id,), countdown=outcome.retry_in)
    return outcome.status


def queue_deliveries(delivery_ids: list[int]) -> None:
    """Queue one task per delivery (called from `transaction.on_commit`, so workers see the rows)."""
    for delivery_id in delivery_ids:
        deliver.delay(delivery_id)


@shared_task(acks_late=True, soft_time_limit=50, time_limit=60)
def relay() -> int:
    """Beat, every minute: queue deliveries due for a while that no task holds; returns how many."""
    from projects.webhooks.delivery import due_for_relay

    ids = due_for_relay(timezone.now(), RELAY_GRACE, RELAY_BATCH)
    queue_deliveries(ids)
    return len(ids)


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=240, time_limit=300)
def emit_overdue_milestones(day: str | None = None) -> int:
    """Beat, daily: `milestone.overdue` for milestones that fell overdue; returns how many events."""
    from projects.webhooks.events import emit_overdue_milestones as emit

    return emit(date.fromisoformat(day) if day else timezone.localdate())


@shared_task(
    autoretry_for=(SMTPException, OSError),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=8,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=60,
    time_limit=90,
)
def tell_owner_disabled(endpoint_id: int) -> str:
    """E-mail the owner of an endpoint that was disabled; a no-op once told."""
    from projects.webhooks.notices import tell_owner_disabled as tell

    return tell(endpoint_id)


@shared_task(acks_late=True, soft_time_limit=540, time_limit=600)
def forget_old_events() -> int:
    """Beat, daily: the delivery log keeps `WEBHOOK_LOG_DAYS` of events; returns how many older ones went."""
    from projects.webhooks.events import forget_events_before

    return forget_events_before(timezone.now() - timedelta(days=settings.WEBHOOK_LOG_DAYS))
