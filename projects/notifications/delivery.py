"""Planning reminders and digests into the delivery log, and sending each entry exactly once.

Planning writes `pending` rows under the log's unique keys, so planning twice (a doubled beat tick,
two workers, a hand run beside beat) plans nothing new. Sending locks the row, hands the message
to the mail server and marks the row `sent` in one transaction: a concurrent or redelivered task
finds the row sent (or waits for the lock, then does) and does nothing. If sending fails, the
transaction rolls back and the row stays pending for the task's retry or for the next run.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import reduce
from operator import or_

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from projects.choices import CLOSED_MILESTONE_STATUSES
from projects.notifications import emails
from projects.notifications.digests import build_digest, digest_since
from projects.notifications.models import (
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    DigestFrequency,
    Recipient,
)
from projects.notifications.recipients import (
    addressable,
    ensure_user_recipients,
    involved_user_ids,
    milestone_recipients,
)
from projects.notifications.reminders import reminders_due

SCHEDULED_FREQUENCIES = (DigestFrequency.DAILY, DigestFrequency.WEEKLY)


def period_start(frequency: str, day: date) -> date:
    """The first day of the digest period containing `day` (weeks start on Monday)."""
    return day - timedelta(days=day.weekday()) if frequency == DigestFrequency.WEEKLY else day


@transaction.atomic(durable=True)
def plan_reminders(day: date) -> list[int]:
    """Log the reminders the rules fire on `day`; return every pending reminder to send (with earlier failures)."""
    due = reminders_due(day)
    recipients = milestone_recipients(reminder.milestone for reminder in due)
    Delivery.objects.bulk_create(
        [
            Delivery(
                recipient=recipient,
                kind=DeliveryKind.REMINDER,
                milestone=reminder.milestone,
                due_on=reminder.milestone.due_on,
                period=reminder.rule,
                on_date=day,
            )
            for reminder in due
            for recipient in recipients[reminder.milestone.pk]
        ],
        ignore_conflicts=True,
    )
    horizon = day - timedelta(days=settings.NOTIFICATIONS_CATCH_UP_DAYS)
    return _queue_pending(DeliveryKind.REMINDER, stale=Q(on_date__lt=horizon))


@transaction.atomic(durable=True)
def plan_digests(frequency: str, day: date) -> list[int]:
    """Log one digest per recipient on this frequency for the period containing `day`; return what to send."""
    if frequency not in SCHEDULED_FREQUENCIES:
        raise ValueError(f"Digests go out daily or weekly, not {frequency!r}.")
    ensure_user_recipients(involved_user_ids())
    start = period_start(frequency, day)
    recipients = addressable(Recipient.objects.filter(digest_frequency=frequency)).values_list("pk", flat=True)
    Delivery.objects.bulk_create(
        [Delivery(recipient_id=pk, kind=DeliveryKind.DIGEST, period=frequency, on_date=start) for pk in recipients],
        ignore_conflicts=True,
    )
    return _queue_pending(DeliveryKind.DIGEST, stale=superseded_digests(day))


def superseded_digests(day: date) -> Q:
    """Digests of a period before the one containing `day`: the current period's digest carries their news.

    A digest is built when it is sent, from the recipient's last sent digest up to then, so a late digest
    of an earlier period would only repeat what the current one says. The current period's digest never
    expires, however far into the period the run comes (a weekly digest planned on a Sunday is still due).
    """
    return reduce(or_, (Q(period=f, on_date__lt=period_start(f, day)) for f in SCHEDULED_FREQUENCIES))


def _queue_pending(kind: str, *, stale: Q) -> list[int]:
    """Pending rows of this kind, queued to send once this transaction commits; stale ones expire instead."""
    pending = Delivery.objects.filter(kind=kind, status=DeliveryStatus.PENDING)
    pending.filter(stale).update(status=DeliveryStatus.EXPIRED)
    ids = list(pending.exclude(stale).order_by("pk").values_list("pk", flat=True))
    from projects.tasks import enqueue_deliveries  # the tasks module imports this one

    transaction.on_commit(lambda: enqueue_deliveries(ids))
    return ids


def deliver(delivery_id: int) -> str:
    """Send one logged reminder or digest unless it was sent already; return the row's resulting status.

    Mail errors (SMTPException, OSError) propagate after the rollback so the task retries them.
    """
    try:
        with transaction.atomic(durable=True):
            # The lock makes a concurrent send of the same row wait here, then see it sent.
            delivery = (
                Delivery.objects.select_for_update(of=("self",))
                .select_related(
                    "recipient__user",
                    "recipient__contact",
                    "milestone__agreement",
                    "milestone__responsible",
                    "milestone__owner",
                )
                .filter(pk=delivery_id, status=DeliveryStatus.PENDING)
                .first()
            )
            if delivery is None:
                return Delivery.objects.filter(pk=delivery_id).values_list("status", flat=True).first() or "missing"
            message = _message(delivery)
            if message is None:
                delivery.status = DeliveryStatus.SKIPPED
                delivery.save(update_fields=["status"])
                return delivery.status
            message.send()
            delivery.status, delivery.sent_at, delivery.subject = DeliveryStatus.SENT, timezone.now(), message.subject
            delivery.attempts += 1
            delivery.save(update_fields=["status", "sent_at", "subject", "attempts"])
            return delivery.status
    except OSError as exc:  # smtplib.SMTPException is an OSError
        Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING).update(
            attempts=F("attempts") + 1, last_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise


def _message(delivery: Delivery):
    """The e-mail this row stands for, or None when it no longer applies (opted out, done, nothing to say)."""
    recipient = delivery.recipient
    if delivery.kind == DeliveryKind.REMINDER:
        milestone = delivery.milestone
        if (
            not recipient.reminders_enabled
            or milestone.status in CLOSED_MILESTONE_STATUSES
            or milestone.due_on != delivery.due_on
        ):
            return None
        return emails.reminder_message(delivery)
    if recipient.digest_frequency != delivery.period:
        return None
    until = timezone.now()
    digest = build_digest(recipient, since=digest_since(recipient, delivery.period, until), until=until)
    if digest.is_empty:
        return None
    return emails.digest_message(digest, delivery.period, delivery)
