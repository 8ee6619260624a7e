"""Milestone reminders: which rules fire, who hears, what the e-mail says, and that nothing is sent twice."""

import datetime

import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from projects.choices import AgreementStatus, MilestoneStatus
from projects.notifications.models import (
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Recipient,
    RemindedMilestone,
    ReminderRule,
    ReminderRuleKind,
)
from projects.notifications.planning import plan_reminders
from projects.notifications.recipients import milestone_recipients
from projects.notifications.reminders import reminders_due
from tests.factories import AgreementFactory, MilestoneFactory, UserFactory

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


@pytest.mark.parametrize("agreements", [1, 6])
def test_the_scan_reads_only_the_days_the_rules_fire_on_in_constant_queries(programme, agreements):
    """Weekly while overdue however long ago; a rule repeating daily fires on every overdue day."""
    today = programme.today
    expected = {programme.milestone.pk: "before:14"}
    for _ in range(agreements):
        agreement = AgreementFactory(status=AgreementStatus.ACTIVE, signed_on=today - 400 * DAY)
        long_overdue = MilestoneFactory(agreement=agreement, due_on=today - 364 * DAY)
        MilestoneFactory(agreement=agreement, due_on=today - 365 * DAY)
        MilestoneFactory(agreement=agreement, due_on=today - 3 * DAY)
        expected[long_overdue.pk] = "overdue:364"

    with CaptureQueriesContext(connection) as queries:
        due = {r.milestone.pk: r.rule for r in reminders_due(today)}
        managers = {r.milestone.agreement.programme_manager_id for r in reminders_due(today)}

    assert due == expected
    assert programme.manager.pk in managers
    assert len(queries) == 2 * 3  # the rules, the oldest open due date, the milestones (twice)

    ReminderRule.objects.create(kind=ReminderRuleKind.OVERDUE, days=1)
    assert len([r for r in reminders_due(today) if r.rule.startswith("overdue:")]) == 3 * agreements


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


def test_reminders_due_the_same_day_reach_each_recipient_in_one_message(programme, django_capture_on_commit_callbacks):
    agreement, producer, today = programme.agreement, programme.producer, programme.today
    MilestoneFactory(agreement=agreement, responsible=producer, title="Test range certified", due_on=today + 7 * DAY)
    MilestoneFactory(agreement=agreement, responsible=producer, title="Operators trained", due_on=today - 7 * DAY)
    other = AgreementFactory(
        reference="UA-PL-2026-002", status=AgreementStatus.ACTIVE, signed_on=today, programme_manager=programme.manager
    )
    MilestoneFactory(agreement=other, responsible=producer, title="Spare parts shipped", due_on=today)

    with django_capture_on_commit_callbacks(execute=True):
        plan_reminders(today)
    with django_capture_on_commit_callbacks(execute=True):
        plan_reminders(today)  # beat fired twice

    by_person = {m.to[0]: m for m in mail.outbox}
    assert len(mail.outbox) == 3 and sorted(by_person) == [
        "Oleh Owner <oleh@mod.example>",
        "Olena Koval <olena@drone-works.example>",
        "Petra Manager <petra@mod.example>",
    ]
    bundle = by_person["Petra Manager <petra@mod.example>"]
    assert bundle.subject == "[UA-GB-2026-001, UA-PL-2026-002] 4 milestones need attention, 1 overdue"
    text = bundle.body
    assert text.startswith("4 milestones need your attention.")
    order = ["Operators trained", "Spare parts shipped", "Test range certified", "First 1,000 interceptors delivered"]
    positions = [text.index(f"Milestone:   {title}") for title in order]  # by due date
    assert positions == sorted(positions)
    assert f"Due:         {today - 7 * DAY:%-d %B %Y} (overdue by 7 days)" in text
    assert f"Due:         {today:%-d %B %Y} (due today)" in text
    assert "UA-PL-2026-002" in bundle.alternatives[0][0]
    # Oleh owns only the first milestone: his message is the single reminder it always was.
    assert by_person["Oleh Owner <oleh@mod.example>"].subject == (
        "[UA-GB-2026-001] Milestone due in 14 days: First 1,000 interceptors delivered"
    )
    petra = Delivery.objects.get(recipient__user=programme.manager)
    assert petra.status == DeliveryStatus.SENT and petra.reminded.count() == 4


def test_a_milestone_done_before_the_message_goes_drops_out_of_it(programme, django_capture_on_commit_callbacks):
    later = MilestoneFactory(
        agreement=programme.agreement, responsible=programme.producer, title="Later", due_on=programme.today + 7 * DAY
    )
    with django_capture_on_commit_callbacks() as queued:
        plan_reminders(programme.today)
    later.status, later.completed_on = MilestoneStatus.DONE, programme.today
    later.save(update_fields=["status", "completed_on"])
    for callback in queued:
        callback()
    message = next(m for m in mail.outbox if "petra" in m.to[0])
    assert message.subject == "[UA-GB-2026-001] Milestone due in 14 days: First 1,000 interceptors delivered"
    assert "Later" not in message.body


def test_the_database_refuses_a_second_reminder_message_for_the_same_recipient_and_day(programme):
    recipient = Recipient.objects.get(contact=programme.contact)
    key = {"recipient": recipient, "kind": DeliveryKind.REMINDER, "on_date": programme.today}
    message = Delivery.objects.create(**key)
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(**key)
    RemindedMilestone.objects.create(
        delivery=message, milestone=programme.milestone, due_on=programme.milestone.due_on, rule="before:14"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        RemindedMilestone.objects.create(
            delivery=message, milestone=programme.milestone, due_on=programme.milestone.due_on, rule="before:14"
        )
    # The next day is a new message.
    Delivery.objects.create(**{**key, "on_date": programme.today + DAY})


def test_finding_who_to_remind_writes_nothing(programme):
    """Users get their preferences from the planning service; the read that finds recipients only reads."""
    newcomer = UserFactory(email="nadia@mod.example")
    milestone = MilestoneFactory(agreement=programme.agreement, responsible=programme.producer, owner=newcomer)
    before = Recipient.objects.count()

    found = milestone_recipients([milestone])

    assert Recipient.objects.count() == before
    assert sorted(r.email for r in found[milestone.pk]) == ["olena@drone-works.example"]
