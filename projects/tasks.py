"""Celery tasks: thin wrappers that plan the periodic jobs and send one logged delivery per task.

Planning fans out: one `deliver` task per recipient's reminder or digest, so a slow or failing
mailbox holds up nothing else and a crash loses at most the message in flight (which stays
pending and is sent by the redelivered task or the next run).
"""

from __future__ import annotations

from datetime import date
from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from projects.notifications import delivery


def _day(day: str | None) -> date:
    return date.fromisoformat(day) if day else timezone.localdate()


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=240, time_limit=300)
def send_reminders(day: str | None = None) -> int:
    """Beat, daily: plan the reminders the rules fire today and queue them; returns how many are queued."""
    return len(delivery.plan_reminders(_day(day)))


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=240, time_limit=300)
def send_digests(frequency: str, day: str | None = None) -> int:
    """Beat, daily and weekly: plan this period's digests for recipients on `frequency` and queue them."""
    return len(delivery.plan_digests(frequency, _day(day)))


@shared_task(
    autoretry_for=(SMTPException, OSError),
    retry_backoff=True,
    retry_backoff_max=settings.NOTIFICATIONS_RETRY_BACKOFF_MAX,
    retry_jitter=True,
    max_retries=settings.NOTIFICATIONS_MAX_RETRIES,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=60,
    time_limit=90,
)
def deliver(delivery_id: int) -> str:
    """Send one reminder or digest; a no-op when it was sent already."""
    return delivery.deliver(delivery_id)


def enqueue_deliveries(delivery_ids: list[int]) -> None:
    """Queue one task per delivery (called from `transaction.on_commit`, so workers see the rows)."""
    for delivery_id in delivery_ids:
        deliver.delay(delivery_id)
