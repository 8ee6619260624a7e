"""Webhooks through a real worker and the real Redis broker: signed, retried with one webhook-id, and every
event delivered once to a receiver that was down for a while."""

from __future__ import annotations

import time
from collections import Counter

import pytest
from standardwebhooks import Webhook

from projects.services import milestones
from projects.webhooks.choices import DeliveryStatus
from projects.webhooks.models import Delivery
from tests.webhooks.conftest import subscribed
from tests.webhooks.receiver import Reply

pytestmark = [pytest.mark.broker, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def settled(expected: int, timeout: float = 30) -> set[str]:
    """Wait until the worker has recorded every delivery as succeeded."""
    deadline = time.monotonic() + timeout
    while Delivery.objects.filter(status=DeliveryStatus.SUCCEEDED).count() < expected and time.monotonic() < deadline:
        time.sleep(0.1)
    return set(Delivery.objects.values_list("status", flat=True))


def test_a_worker_signs_and_retries_a_delivery_through_the_broker(alpha, staff, receiver, live_webhooks):
    endpoint, secret = subscribed(alpha.organization, receiver.url)
    receiver.script = [Reply(500), Reply(502)]

    milestones.update_milestone(actor=staff, milestone_id=alpha.milestone.pk, title="Delivered by the worker")

    requests = receiver.wait_for(3)
    assert len(requests) == 3, live_webhooks.log_tail()
    assert len({r.headers["webhook-id"] for r in requests}) == 1
    assert Webhook(secret).verify(requests[-1].body, requests[-1].headers)["data"]["title"] == "Delivered by the worker"
    assert settled(1) == {DeliveryStatus.SUCCEEDED}


def test_a_receiver_down_for_a_while_gets_every_event_once_it_is_back(alpha, staff, receiver, live_webhooks):
    endpoint, secret = subscribed(alpha.organization, receiver.url)
    receiver.stop()

    for n in range(1, 6):
        milestones.update_milestone(actor=staff, milestone_id=alpha.milestone.pk, title=f"Batch {n} shipped")
    time.sleep(2.5)
    assert endpoint.deliveries.filter(attempts__isnull=False).distinct().count() == 5  # each tried and failed
    receiver.restart()

    requests = receiver.wait_for(5)
    assert settled(5) == {DeliveryStatus.SUCCEEDED}, live_webhooks.log_tail()
    time.sleep(1.5)  # late or duplicate tasks would show up now
    ids = Counter(r.headers["webhook-id"] for r in receiver.requests)
    assert len(ids) == 5 and set(ids.values()) == {1}
    titles = sorted(Webhook(secret).verify(r.body, r.headers)["data"]["title"] for r in requests)
    assert titles == [f"Batch {n} shipped" for n in range(1, 6)]
