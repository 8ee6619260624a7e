"""Milestone reminders: which rules fire, who hears, what the e-mail says, and that nothing is sent twice."""

import datetime

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from projects.choices import MilestoneStatus
from projects.notifications.delivery import plan_reminders
from projects.notifications.models import Delivery, DeliveryKind, DeliveryStatus, Recipient
from projects.notifications.reminders import reminders_due
from tests.factories import MilestoneFactory

DAY = datetime.timedelta(days=1)


def test_rules_fire_14_7_1_days_before_on_the_due_date_and_weekly_while_overdue(programme):
    agreement, producer, today = programme.agreement, programme.producer, programme.today
    firing = {
        offset: MilestoneFactory(agreement=agreement, responsible=producer, due_on=today + offset * DAY)
        for offset in (7, 1, 0, -7, -14)
    }
    quiet = [
        MilestoneFactory(agreement=agreement, responsible=producer, due_on=today + offset * DAY)
        for offset in (13, 2, -1, -8)
    ]
    done = MilestoneFactory(
        agreement=agreement,
        responsible=producer,
        due_on=today + 7 * DAY,
        status=MilestoneStatus.DONE,
        completed_on=today,
    )
    cancelled = MilestoneFactory(
        agreement=agreement, responsible=producer, due_on=today, status=MilestoneStatus.CANCELLED
    )

    due = {r.milestone.pk: r.rule for r in reminders_due(today)}

    assert due == {
        programme.milestone.pk: "before:14",
        firing[7].pk: "before:7",
        firing[1].pk: "before:1",
        firing[0].pk: "before:0",
        firing[-7].pk: "overdue:7",
        firing[-14].pk: "overdue:14",
    }
    assert not {m.pk for m in quiet + [done, cancelled]} & set(due)


def test_reminder_reaches_manager_owner_and_responsible_contact_once_each(
    programme, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        plan_reminders(programme.today)

    assert sorted(m.to[0] for m in mail.outbox) == [
        "Oleh Owner <oleh@mod.example>",
        "Olena Koval <olena@drone-works.example>",
        "Petra Manager <petra@mod.example>",
    ]
    message = mail.outbox[0]
    assert message.subject == "[UA-GB-2026-001] Milestone due in 14 days: First 1,000 interceptors delivered"
    text = message.body
    assert "First 1,000 interceptors delivered" in text
    assert "UA-GB-2026-001 Interceptor drone co-production" in text
    assert f"Due:         {programme.milestone.due_on:%-d %B %Y}" in text
    assert "Responsible: Kyiv Drone Works (owner: Oleh Owner)" in text
    assert f"http://127.0.0.1:8000/agreements/{programme.agreement.pk}/#milestone-{programme.milestone.pk}" in text
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "Kyiv Drone Works" in html and 'style="' in html
    assert message.extra_headers["List-Unsubscribe"].startswith("<http://127.0.0.1:8000/unsubscribe/")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        plan_reminders(programme.today)
    assert mail.outbox == []
    assert Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 3


def test_recipients_who_turned_reminders_off_get_none(programme, django_capture_on_commit_callbacks):
    Recipient.objects.filter(contact=programme.contact).update(reminders_enabled=False)
    with django_capture_on_commit_callbacks() as queued:
        plan_reminders(programme.today)
    # The owner opts out after planning but before the message goes: it is skipped, not sent.
    Recipient.objects.filter(user=programme.owner).update(reminders_enabled=False)
    for callback in queued:
        callback()

    assert [m.to[0] for m in mail.outbox] == ["Petra Manager <petra@mod.example>"]
    assert Delivery.objects.get(recipient__user=programme.owner).status == DeliveryStatus.SKIPPED


def test_a_milestone_done_before_its_reminder_goes_out_is_skipped(programme, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as queued:
        plan_reminders(programme.today)
    programme.milestone.status, programme.milestone.completed_on = MilestoneStatus.DONE, programme.today
    programme.milestone.save(update_fields=["status", "completed_on"])
    for callback in queued:
        callback()
    assert mail.outbox == []
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SKIPPED}


def test_the_database_refuses_a_second_reminder_for_the_same_milestone_day_and_recipient(programme):
    recipient = Recipient.objects.get(contact=programme.contact)
    key = {
        "recipient": recipient,
        "kind": DeliveryKind.REMINDER,
        "milestone": programme.milestone,
        "due_on": programme.milestone.due_on,
        "on_date": programme.today,
    }
    Delivery.objects.create(period="before:14", **key)
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(period="before:14", **key)
    # A new due date is a new reminder.
    Delivery.objects.create(period="before:14", **{**key, "due_on": programme.milestone.due_on + DAY})
