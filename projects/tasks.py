"""Celery tasks: thin wrappers that plan the periodic jobs and send logged deliveries in batches.

Planning fans out: the pending deliveries are queued in batches of `NOTIFICATIONS_BATCH_SIZE`, each
built in one set of queries and sent over one SMTP connection, so a slow or failing mailbox holds up
one batch at most, and a crash loses nothing (each message is marked sent in its own transaction; the
rest stay pending for the redelivered task or the next run). Time limits come from the settings
`CELERY_TASK_SOFT_TIME_LIMIT` and `CELERY_TASK_TIME_LIMIT`, which apply to every task.
"""

from __future__ import annotations

from datetime import date
from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from projects.notifications import delivery, planning


def _day(day: str | None) -> date:
    return date.fromisoformat(day) if day else timezone.localdate()


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_reminders(day: str | None = None) -> int:
    """Beat, daily: plan the reminders the rules fire today and queue them; returns how many are queued."""
    return len(planning.plan_reminders(_day(day)))


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_digests(frequency: str, day: str | None = None) -> int:
    """Beat, daily and weekly: plan this period's digests for recipients on `frequency` and queue them."""
    return len(planning.plan_digests(frequency, _day(day)))


@shared_task(
    autoretry_for=(SMTPException, OSError),
    retry_backoff=True,
    retry_backoff_max=settings.NOTIFICATIONS_RETRY_BACKOFF_MAX,
    retry_jitter=True,
    max_retries=settings.NOTIFICATIONS_MAX_RETRIES,
    acks_late=True,
    reject_on_worker_lost=True,
)
def deliver_batch(delivery_ids: list[int]) -> dict[str, int]:
    """Send a batch of reminders and digests over one connection; rows sent already are skipped."""
    return dict(delivery.deliver_batch(delivery_ids))


def enqueue_deliveries(delivery_ids: list[int]) -> None:
    """Queue the deliveries in batches (called from `transaction.on_commit`, so workers see the rows)."""
    size = settings.NOTIFICATIONS_BATCH_SIZE
    for start in range(0, len(delivery_ids), size):
        deliver_batch.delay(delivery_ids[start : start + size])
