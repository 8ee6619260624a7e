"""The delivery log's migration to one reminder message per recipient and day keeps what was sent and owed."""

import datetime

import pytest

from tests.factories import MilestoneFactory, UserFactory
from tests.migrating import migrate, migrate_to_latest

BEFORE = [("notifications", "0003_constraints_explained_beside_fields")]
AFTER = [("notifications", "0005_one_reminder_message_per_recipient_and_day")]
DAY = datetime.timedelta(days=1)


@pytest.mark.django_db(transaction=True)
def test_reminder_rows_are_folded_into_one_message_per_recipient_and_day():
    today = datetime.date(2026, 11, 23)
    first, second, third = (MilestoneFactory(due_on=today + 7 * DAY) for _ in range(3))
    user = UserFactory(email="petra@mod.example")
    try:
        old = migrate(BEFORE)
        Delivery = old.get_model("notifications", "Delivery")
        recipient = old.get_model("notifications", "Recipient").objects.create(user_id=user.pk)
        sent_at = datetime.datetime(2026, 11, 23, 6, 1, tzinfo=datetime.UTC)

        def legacy(milestone, on_date, status, **fields):
            return Delivery.objects.create(
                recipient=recipient,
                kind="reminder",
                milestone_id=milestone.pk,
                due_on=milestone.due_on,
                period="before:7",
                on_date=on_date,
                status=status,
                **fields,
            )

        kept = legacy(first, today, "sent", sent_at=sent_at, subject="[A] Milestone due in 7 days", attempts=1)
        legacy(second, today, "sent", sent_at=sent_at + DAY / 24, subject="[B] Milestone due in 7 days", attempts=2)
        owed = legacy(third, today + DAY, "pending", attempts=1)
        Delivery.objects.create(recipient=recipient, kind="digest", period="weekly", on_date=today)

        new = migrate(AFTER)
        rows = new.get_model("notifications", "Delivery").objects.order_by("kind", "on_date")
        assert [(r.kind, r.on_date, r.status, r.period) for r in rows] == [
            ("digest", today, "pending", "weekly"),
            ("reminder", today, "sent", ""),
            ("reminder", today + DAY, "pending", ""),
        ]
        day_one = rows.get(pk=kept.pk)
        assert (day_one.sent_at, day_one.subject, day_one.attempts) == (sent_at, "[A] Milestone due in 7 days", 3)
        listed = new.get_model("notifications", "RemindedMilestone").objects
        assert sorted(listed.filter(delivery_id=kept.pk).values_list("milestone_id", flat=True)) == [
            first.pk,
            second.pk,
        ]
        assert list(listed.filter(delivery_id=owed.pk).values_list("milestone_id", "due_on", "rule")) == [
            (third.pk, third.due_on, "before:7")
        ]
    finally:
        migrate_to_latest()
