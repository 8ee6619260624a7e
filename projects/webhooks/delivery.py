"""Attempting deliveries: claim one that is due, send it, log the attempt, schedule the retry or give up.

A claim moves the delivery's `next_attempt_at` past the request's time limit in one UPDATE, so a
duplicate task (a redelivered message, the relay) finds it not due and does nothing, and a worker that
dies mid-request leaves it due again shortly after. Every attempt keeps the event's `webhook-id`.

Retries follow `WEBHOOK_RETRY_SCHEDULE` (seconds after each failure, each delay ±20% of jitter); when
it runs out the delivery has failed. An endpoint whose attempts have all failed for
`WEBHOOK_DISABLE_AFTER_DAYS` is disabled and its owner told.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from projects.webhooks.choices import DeliveryStatus, DisabledWhy
from projects.webhooks.models import Delivery, DeliveryAttempt, Endpoint, EndpointSecret
from projects.webhooks.sending import Answer, send
from projects.webhooks.tasks import tell_owner_disabled

JITTER = 0.2
# Beyond the request's own time limit, how long a claimed delivery stays with its worker.
LEASE_MARGIN = timedelta(seconds=60)


@dataclass(frozen=True)
class Outcome:
    """What an attempt led to; `retry_in` seconds when another attempt is due."""

    status: str
    retry_in: float | None = None


def retry_delay(failures: int) -> float | None:
    """Seconds until the next attempt after `failures` failed ones, with jitter; None when retries are spent."""
    schedule = settings.WEBHOOK_RETRY_SCHEDULE
    if failures > len(schedule):
        return None
    return schedule[failures - 1] * random.uniform(1 - JITTER, 1 + JITTER)  # noqa: S311  (jitter, not a secret)


def signing_keys(endpoint_id: int, now: datetime) -> list[str]:
    """The current key and any rotated-out one still inside its grace period, newest first."""
    valid = Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    return list(EndpointSecret.objects.filter(valid, endpoint_id=endpoint_id).values_list("key", flat=True))


def claim(delivery_id: int) -> Delivery | None:
    now = timezone.now()
    lease = now + timedelta(seconds=settings.WEBHOOK_TIMEOUT) + LEASE_MARGIN
    due = Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
    if not due.update(next_attempt_at=lease):
        return None
    return Delivery.objects.select_related("event", "endpoint").get(pk=delivery_id)


def attempt(delivery_id: int) -> Outcome:
    """Send the delivery if it is due and nobody else is sending it; a no-op otherwise."""
    delivery = claim(delivery_id)
    if delivery is None:
        return Outcome("not due")
    if not delivery.endpoint.active:
        finish(Delivery.objects.filter(pk=delivery.pk), DeliveryStatus.FAILED)
        return Outcome("endpoint disabled")
    answer = send(delivery, signing_keys(delivery.endpoint_id, timezone.now()))
    return record(delivery, answer)


def finish(deliveries, status: str) -> int:
    return deliveries.update(status=status, next_attempt_at=None, finished_at=timezone.now())


@transaction.atomic(durable=True)
def record(delivery: Delivery, answer: Answer) -> Outcome:
    now = timezone.now()
    DeliveryAttempt.objects.create(
        delivery=delivery,
        attempted_at=now,
        succeeded=answer.succeeded,
        status_code=answer.status_code,
        latency_ms=answer.latency_ms,
        response_body=answer.body,
        error_code=answer.error_code,
        error_detail=answer.error_detail,
    )
    this = Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.PENDING)
    endpoint = Endpoint.objects.filter(pk=delivery.endpoint_id)
    if answer.succeeded:
        finish(this, DeliveryStatus.SUCCEEDED)
        endpoint.filter(failing_since__isnull=False).update(failing_since=None)
        return Outcome(DeliveryStatus.SUCCEEDED)
    endpoint.filter(failing_since__isnull=True).update(failing_since=now)
    failing_too_long = now - timedelta(days=settings.WEBHOOK_DISABLE_AFTER_DAYS)
    if endpoint.filter(active=True, failing_since__lte=failing_too_long).exists():
        disable(delivery.endpoint_id, DisabledWhy.FAILING)
        return Outcome(DeliveryStatus.FAILED)
    failures = delivery.failures + 1
    this.update(failures=failures)
    delay = retry_delay(failures)
    if delay is None:
        finish(this, DeliveryStatus.FAILED)
        return Outcome(DeliveryStatus.FAILED)
    this.update(next_attempt_at=now + timedelta(seconds=delay))
    return Outcome(DeliveryStatus.PENDING, retry_in=delay)


def disable(endpoint_id: int, why: str, detail: str = "", *, tell_owner: bool = True) -> bool:
    """Switch the endpoint off and fail what it still owes; tell its owner by e-mail once this commits.

    `why` is a `DisabledWhy` code and `detail` its data (who, or the words they gave): readers get the
    words in their own language.
    """
    now = timezone.now()
    switched = Endpoint.objects.filter(pk=endpoint_id, active=True).update(
        active=False,
        disabled_at=now,
        disabled_code=why,
        disabled_detail=detail[:250],
        owner_told_at=None,
        updated_at=now,
    )
    if not switched:
        return False
    finish(Delivery.objects.filter(endpoint_id=endpoint_id, status=DeliveryStatus.PENDING), DeliveryStatus.FAILED)
    if tell_owner:
        transaction.on_commit(lambda: tell_owner_disabled.delay(endpoint_id))
    return True


def due_for_relay(now: datetime, grace: timedelta, limit: int) -> list[int]:
    """Deliveries due for a while that no queued task took: a lost enqueue, a long backoff, a dead worker."""
    due = Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now - grace)
    return list(due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])
