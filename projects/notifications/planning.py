"""Planning reminders and digests into the delivery log, and queueing what is owed.

Planning writes `pending` rows under the log's unique keys, so planning twice (a doubled beat tick,
two workers, a hand run beside beat) plans nothing new. After commit, the pending rows are queued in
batches for `delivery.deliver_batch`.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from functools import reduce
from operator import or_

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from projects.notifications.models import (
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    DigestFrequency,
    Recipient,
    RemindedMilestone,
)
from projects.notifications.recipients import addressable, involved_user_ids, milestone_recipients
from projects.notifications.reminders import DueReminder, reminders_due
from projects.notifications.services import give_users_preferences

SCHEDULED_FREQUENCIES = (DigestFrequency.DAILY, DigestFrequency.WEEKLY)


def period_start(frequency: str, day: date) -> date:
    """The first day of the digest period containing `day` (weeks start on Monday)."""
    return day - timedelta(days=day.weekday()) if frequency == DigestFrequency.WEEKLY else day


@transaction.atomic(durable=True)
def plan_reminders(day: date) -> list[int]:
    """Log one message per recipient listing the milestones the rules point at on `day`; return what to send.

    Earlier failures still pending within `NOTIFICATIONS_CATCH_UP_DAYS` are sent too; older ones expire.
    """
    due = reminders_due(day)
    give_users_preferences(
        {m.agreement.programme_manager_id for m in (r.milestone for r in due)} | {r.milestone.owner_id for r in due}
    )
    wanted = _reminders_per_recipient(due)
    Delivery.objects.bulk_create(
        [Delivery(recipient_id=pk, kind=DeliveryKind.REMINDER, on_date=day) for pk in wanted], ignore_conflicts=True
    )
    # Milestones join only a message still pending: one already sent is never sent again.
    messages = Delivery.objects.filter(
        kind=DeliveryKind.REMINDER, on_date=day, recipient_id__in=wanted, status=DeliveryStatus.PENDING
    )
    RemindedMilestone.objects.bulk_create(
        [
            RemindedMilestone(delivery_id=delivery_id, milestone=r.milestone, due_on=r.milestone.due_on, rule=r.rule)
            for recipient_id, delivery_id in messages.values_list("recipient_id", "pk")
            for r in wanted[recipient_id]
        ],
        ignore_conflicts=True,
    )
    horizon = day - timedelta(days=settings.NOTIFICATIONS_CATCH_UP_DAYS)
    return _queue_pending(DeliveryKind.REMINDER, stale=Q(on_date__lt=horizon))


def _reminders_per_recipient(due: list[DueReminder]) -> dict[int, list[DueReminder]]:
    recipients = milestone_recipients(reminder.milestone for reminder in due)
    wanted = defaultdict(list)
    for reminder in due:
        for recipient in recipients[reminder.milestone.pk]:
            wanted[recipient.pk].append(reminder)
    return wanted


def plan_digests(frequency: str, day: date) -> list[int]:
    """Log one digest per recipient on this frequency for the period containing `day`; return what to send."""
    with transaction.atomic(durable=True):
        return _plan_digests(frequency, day)


def _plan_digests(frequency: str, day: date) -> list[int]:
    if frequency not in SCHEDULED_FREQUENCIES:
        raise ValueError(f"Digests go out daily or weekly, not {frequency!r}.")
    give_users_preferences(involved_user_ids())
    start = period_start(frequency, day)
    recipients = addressable(Recipient.objects.filter(digest_frequency=frequency)).values_list("pk", flat=True)
    Delivery.objects.bulk_create(
        [Delivery(recipient_id=pk, kind=DeliveryKind.DIGEST, period=frequency, on_date=start) for pk in recipients],
        ignore_conflicts=True,
    )
    return _queue_pending(DeliveryKind.DIGEST, stale=superseded_digests(day))


def planned_digests(frequency: str, day: date) -> list[Delivery]:
    """The digests a real run on `day` would queue, planned exactly as it would, then rolled back (a dry run)."""
    with transaction.atomic(durable=True):
        deliveries = list(
            Delivery.objects.filter(pk__in=_plan_digests(frequency, day))
            .select_related("recipient__user", "recipient__contact")
            .order_by("pk")
        )
        transaction.set_rollback(True)  # and with it the queueing hook
    return deliveries


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
