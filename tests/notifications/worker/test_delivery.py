"""Reminders and digests through a real worker, real Redis (and RabbitMQ) and a real SMTP server: sent exactly
once, whatever fails on the way."""

import datetime
import time
from collections import Counter

import pytest

from projects.notifications.models import Delivery, DeliveryStatus, DigestFrequency
from projects.notifications.planning import plan_digests, plan_reminders
from projects.tasks import send_reminders
from tests.notifications.factories import ContactFactory
from tests.notifications.test_digests import busy_week

pytestmark = [pytest.mark.broker, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
DAY = datetime.timedelta(days=1)


def more_contacts(programme, count: int) -> None:
    """More people at the producer: each gets their own reminder of its milestone, and their own digest."""
    for n in range(count):
        ContactFactory(organization=programme.producer, name=f"Producer contact {n}", email=f"p{n}@drone-works.example")


def assert_each_once(messages, expected: int) -> None:
    ids = Counter(m["Message-ID"] for m in messages)
    assert len(messages) == expected and all(n == 1 for n in ids.values()), ids.most_common(3)
    deadline = time.monotonic() + 10  # the worker commits `sent` just after the server accepts the message
    while Delivery.objects.exclude(status=DeliveryStatus.SENT).exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    assert Delivery.objects.count() == expected


def settle(sink, seconds: float = 1.5) -> int:
    """Give late or duplicate tasks time to show up."""
    time.sleep(seconds)
    return sink.count()


def test_worker_sends_reminders_and_digests_to_the_smtp_server(programme, live, worker):
    assert_reminders_and_digests_delivered(programme, live, worker)


def test_a_worker_on_rabbitmq_delivers_the_same(programme, live_on_rabbitmq, rabbitmq_worker):
    assert_reminders_and_digests_delivered(programme, live_on_rabbitmq, rabbitmq_worker)


def assert_reminders_and_digests_delivered(programme, sink, worker) -> None:
    busy_week(programme)

    plan_reminders(programme.today)
    plan_digests(DigestFrequency.WEEKLY, programme.today)
    messages = sink.wait_for(6, timeout=30, worker=worker)

    by_subject = {}
    for message in messages:
        by_subject.setdefault(message["Subject"], set()).add(message["To"])
    reminder = "[UA-GB-2026-001] Milestone due in 14 days: First 1,000 interceptors delivered"
    digest = f"Weekly digest {programme.today:%d %b %Y}: 1 agreement with news, 1 milestone overdue"
    everyone = {
        "Petra Manager <petra@mod.example>",
        "Oleh Owner <oleh@mod.example>",
        "Olena Koval <olena@drone-works.example>",
    }
    assert by_subject == {reminder: everyone, digest: everyone}

    to_olena = [m for m in messages if "olena" in m["To"]]
    text = {m["Subject"]: m.get_body(("plain",)).get_content().replace("\r\n", "\n") for m in to_olena}
    assert "Responsible: Kyiv Drone Works (owner: Oleh Owner)" in text[reminder]
    assert f"Due:         {programme.milestone.due_on:%-d %B %Y}" in text[reminder]
    assert "Overdue:\n  - Operators trained" in text[digest]
    assert "Funding gap: 750,000.00 EUR (75% of the budget unfunded)" in text[digest]
    html = next(m for m in to_olena if m["Subject"] == digest).get_body(("html",)).get_content()
    assert "Line running at 60% of plan." in html
    assert all(m["List-Unsubscribe"].strip().startswith("<http://127.0.0.1:8000/unsubscribe/") for m in messages)
    assert_each_once(messages, 6)


def test_smtp_server_refusing_for_a_while_delays_messages_but_loses_and_doubles_none(programme, live, worker):
    more_contacts(programme, 9)  # 12 reminders, in 3 batches
    live.refusals_left = 10  # the first ten attempts get "451 try again later"

    plan_reminders(programme.today)
    messages = live.wait_for(12, timeout=60, worker=worker)

    assert live.refused == 10
    assert_each_once(messages, 12)
    retried = Delivery.objects.filter(attempts__gt=1)
    assert retried.exists() and "451" in retried.first().last_error
    assert settle(live) == 12


def test_worker_killed_mid_batch_and_restarted_sends_every_message_exactly_once(programme, live, worker):
    more_contacts(programme, 30)  # 33 reminders and 33 digests, in batches of 5
    live.delay = 0.05

    plan_reminders(programme.today)
    plan_digests(DigestFrequency.WEEKLY, programme.today)
    live.wait_for(6, timeout=30, worker=worker)
    # Kill while all four pool processes are in an SMTP conversation, mid-batch, before the server accepted their
    # message: each batch has sent some of its messages and not the others.
    live.hold(senders=4)
    worker.kill()
    live.release()
    assert live.count() < 66
    assert Delivery.objects.filter(status=DeliveryStatus.PENDING).exists()

    worker.start()  # the broker hands back the tasks the dead worker held, once their visibility timeout passes
    messages = live.wait_for(66, timeout=90, worker=worker)
    plan_reminders(programme.today)  # and the next runs find nothing left to send
    plan_digests(DigestFrequency.WEEKLY, programme.today)
    assert settle(live) == 66
    assert_each_once(messages, 66)
    assert live.connections < 66  # each batch kept its connection


def test_reminder_task_run_twice_at_once_for_the_same_day_sends_no_duplicates(programme, live, worker):
    more_contacts(programme, 15)  # 18 reminders
    live.delay = 0.05

    first, second = send_reminders.delay(programme.today.isoformat()), send_reminders.delay(programme.today.isoformat())

    messages = live.wait_for(18, timeout=30, worker=worker)
    assert settle(live) == 18
    assert_each_once(messages, 18)
    assert first.id != second.id
