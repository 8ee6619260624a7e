"""Sending a batch of logged reminders and digests over one SMTP connection, each message exactly once.

A batch is built in one set of queries, then each message is sent in its own transaction: the row is
claimed (`UPDATE … WHERE status = 'pending'`, which holds its lock), the message handed to the mail
server, and the claim committed. A concurrent or redelivered task claiming the same row waits for the
lock, then finds it sent and skips it; a crash or a refused message rolls its transaction back, so
the row stays pending for the task's retry or the next run. Nothing sent is lost or sent twice.
"""

from __future__ import annotations

import smtplib
from collections import Counter
from collections.abc import Iterable, Iterator

from django import db
from django.core import mail
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from projects.notifications import digest_email, reminder_email
from projects.notifications.digests import Digest, build_digests
from projects.notifications.models import Delivery, DeliveryKind, DeliveryStatus
from projects.notifications.reminders import reminded_milestones

# The server refused this one message; the connection is still good for the next.
MESSAGE_REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


def pending_deliveries(delivery_ids: Iterable[int]) -> list[Delivery]:
    return list(
        Delivery.objects.filter(pk__in=list(delivery_ids), status=DeliveryStatus.PENDING)
        .select_related("recipient__user", "recipient__contact")
        .order_by("pk")
    )


def compose(deliveries: list[Delivery]) -> dict[int, EmailMessage | None]:
    """Each delivery's e-mail, or None when it no longer applies (opted out, nothing left to say)."""
    messages = reminder_messages([d for d in deliveries if d.kind == DeliveryKind.REMINDER])
    for delivery, digest in digests_for([d for d in deliveries if d.kind == DeliveryKind.DIGEST]):
        empty = digest is None or digest.is_empty
        messages[delivery.pk] = None if empty else digest_email.digest_message(digest, delivery)
    return messages


def reminder_messages(deliveries: list[Delivery]) -> dict[int, EmailMessage | None]:
    listed = reminded_milestones(d.pk for d in deliveries if d.recipient.reminders_enabled)
    return {
        delivery.pk: reminder_email.reminder_message(delivery, listed[delivery.pk]) if listed[delivery.pk] else None
        for delivery in deliveries
    }


def digests_for(deliveries: list[Delivery]) -> Iterator[tuple[Delivery, Digest | None]]:
    """(delivery, digest) pairs, built as one batch; None for a recipient who chose another frequency since."""
    wanted = [d for d in deliveries if d.recipient.digest_frequency == d.period]
    digests = dict(zip(wanted, build_digests([(d.recipient, d.period) for d in wanted]), strict=True))
    for delivery in deliveries:
        yield delivery, digests.get(delivery)


def deliver_batch(delivery_ids: Iterable[int]) -> Counter:
    """Send the batch's pending messages over one connection; return how many rows ended in each status.

    Mail errors (SMTPException, OSError) propagate once the batch is done, or at once when the
    connection is lost, after each failed row has its attempt and error recorded; the task retries them.
    """
    deliveries = pending_deliveries(delivery_ids)
    messages = compose(deliveries)
    outcome = Counter()
    skipped = [pk for pk, message in messages.items() if message is None]
    if skipped:
        outcome[DeliveryStatus.SKIPPED] = Delivery.objects.filter(pk__in=skipped, status=DeliveryStatus.PENDING).update(
            status=DeliveryStatus.SKIPPED
        )
    to_send = {pk: message for pk, message in messages.items() if message is not None}
    if to_send:
        outcome.update(send_all(to_send))
    return outcome


def send_all(messages: dict[int, EmailMessage]) -> Counter:
    """Send each message over one connection; a refused message is recorded and the others still go."""
    outcome, refusals = Counter(), []
    connection = mail.get_connection()
    try:
        connection.open()
    except OSError as exc:  # no server: every message of the batch had its attempt
        record_failure(list(messages), exc)
        raise
    with connection:
        for pk, message in messages.items():
            try:
                outcome[send_once(pk, message, connection)] += 1
            except MESSAGE_REFUSED as exc:
                record_failure([pk], exc)
                refusals.append(exc)
            except OSError as exc:  # the connection is gone: the rest of the batch waits for the retry
                record_failure([pk], exc)
                raise
    if refusals:
        raise refusals[0]
    return outcome


def send_once(delivery_id: int, message: EmailMessage, connection) -> str:
    """Claim the row, send, commit: the claim's row lock makes any other sender of this row wait, then skip it."""
    with transaction.atomic(durable=True):
        if not claim(delivery_id, message.subject):
            return "already done"
        connection.send_messages([message])
    return DeliveryStatus.SENT


def claim(delivery_id: int, subject: str) -> bool:
    """Mark a pending row sent (in the caller's transaction); False when it is not pending any more.

    The statement is written out: compiling the same `QuerySet.update` for every message cost as much
    CPU as executing it.
    """
    table = db.connection.ops.quote_name(Delivery._meta.db_table)
    sent_at = db.connection.ops.adapt_datetimefield_value(timezone.now())
    with db.connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET status = %s, sent_at = %s, subject = %s, attempts = attempts + 1"  # noqa: S608
            " WHERE id = %s AND status = %s",
            [DeliveryStatus.SENT, sent_at, subject[:250], delivery_id, DeliveryStatus.PENDING],
        )
        return cursor.rowcount == 1


def record_failure(delivery_ids: list[int], exc: OSError) -> None:
    Delivery.objects.filter(pk__in=delivery_ids, status=DeliveryStatus.PENDING).update(
        attempts=F("attempts") + 1, last_error=f"{type(exc).__name__}: {exc}"[:2000]
    )
