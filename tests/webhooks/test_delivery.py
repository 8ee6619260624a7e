"""Delivery to a real HTTP receiver: Standard Webhooks signatures, retries with one webhook-id, the attempt
log, rotation, replays, and disabling an endpoint that fails for days."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from projects.actors import Actor
from projects.webhooks import tasks
from projects.webhooks.choices import DeliveryStatus
from projects.webhooks.models import Delivery, DeliveryAttempt, Endpoint
from projects.webhooks.services import replay_delivery, replay_since, rotate_secret, update_endpoint
from tests.notifications.factories import ContactFactory
from tests.webhooks.conftest import subscribed
from tests.webhooks.receiver import Reply


def attempts(endpoint) -> list[tuple]:
    rows = DeliveryAttempt.objects.filter(delivery__endpoint=endpoint).order_by("pk")
    return [(a.status_code, a.succeeded, a.error_detail.get("error", "").split(":")[0]) for a in rows]


def test_a_receiver_verifies_the_signature_with_the_standard_webhooks_library(alpha, receiver, change):
    endpoint, secret = subscribed(alpha.organization, receiver.url)

    change(alpha.milestone, title="First 100 drones delivered")

    (request,) = receiver.requests
    payload = Webhook(secret).verify(request.body, request.headers)
    assert payload["type"] == "milestone.updated"
    assert payload["data"]["title"] == "First 100 drones delivered"
    assert request.headers["webhook-id"] == Delivery.objects.get().event.message_id
    assert request.headers["content-type"] == "application/json"
    assert request.path == "/hooks/tracker"
    with pytest.raises(WebhookVerificationError):
        Webhook("whsec_" + "QUJD" * 8).verify(request.body, request.headers)
    tampered = request.body.replace(b"First 100", b"First 900")
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(tampered, request.headers)


def test_retries_after_500s_and_a_timeout_carry_the_same_webhook_id(alpha, receiver, change, settings):
    settings.WEBHOOK_TIMEOUT = 0.5
    endpoint, secret = subscribed(alpha.organization, receiver.url)
    receiver.script = [Reply(500, body=b"database down"), Reply(200, delay=1.5), Reply(503)]

    change(alpha.milestone)

    requests = receiver.wait_for(4)
    assert len(requests) == 4
    assert len({r.headers["webhook-id"] for r in requests}) == 1
    assert all(Webhook(secret).verify(r.body, r.headers) for r in requests)
    assert len({r.body for r in requests}) == 1
    assert attempts(endpoint) == [
        (500, False, ""),
        (None, False, "ReadTimeoutError"),
        (503, False, ""),
        (200, True, ""),
    ]
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.failures) == (DeliveryStatus.SUCCEEDED, 3)
    assert DeliveryAttempt.objects.filter(status_code=500).get().response_body == "database down"


def test_a_delivery_gives_up_when_the_schedule_runs_out_keeping_a_kilobyte_of_each_answer(alpha, receiver, change):
    endpoint, _ = subscribed(alpha.organization, receiver.url)
    receiver.default = Reply(502, body=b"x" * 5000)

    change(alpha.milestone)

    assert len(receiver.requests) == 4  # the first attempt and the three of the test schedule
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.failures, delivery.next_attempt_at) == (DeliveryStatus.FAILED, 4, None)
    assert {len(a.response_body) for a in DeliveryAttempt.objects.all()} == {1024}
    assert attempts(endpoint) == [(502, False, "")] * 4


def test_a_redirect_is_not_followed(alpha, receiver, change):
    elsewhere = type(receiver)()
    try:
        endpoint, _ = subscribed(alpha.organization, receiver.url)
        receiver.default = Reply(302, headers={"location": elsewhere.url})

        change(alpha.milestone)

        assert elsewhere.requests == []
        assert attempts(endpoint) == [(302, False, "")] * 4
    finally:
        elsewhere.stop()


def test_a_duplicate_task_for_a_delivery_sends_nothing_more(alpha, receiver, change):
    subscribed(alpha.organization, receiver.url)
    change(alpha.milestone)
    delivery = Delivery.objects.get()

    assert tasks.deliver.delay(delivery.pk).get() == "not due"
    assert len(receiver.requests) == 1


def test_a_receiver_down_for_a_while_gets_every_event_once_it_is_back(alpha, receiver, change, settings, time_machine):
    """Backoffs longer than a broker should hold a task wait in the database for the relay."""
    settings.WEBHOOK_RETRY_SCHEDULE = [3600.0, 7200.0]
    endpoint, secret = subscribed(alpha.organization, receiver.url)
    receiver.stop()

    change(alpha.milestone, count=3)
    assert [status for status, _, _ in attempts(endpoint)] == [None, None, None]
    receiver.restart()
    assert tasks.relay.delay().get() == 0  # nothing is due yet
    time_machine.move_to(timezone.now() + timedelta(hours=1, minutes=15))

    assert tasks.relay.delay().get() == 3
    titles = [Webhook(secret).verify(r.body, r.headers)["data"]["title"] for r in receiver.requests]
    assert sorted(titles) == ["Batch 1 delivered", "Batch 2 delivered", "Batch 3 delivered"]
    assert len({r.headers["webhook-id"] for r in receiver.requests}) == 3
    assert tasks.relay.delay().get() == 0 and len(receiver.requests) == 3


def test_after_a_rotation_old_and_new_secrets_both_verify_for_24_hours(alpha, receiver, change, time_machine):
    endpoint, old = subscribed(alpha.organization, receiver.url)
    new = rotate_secret(actor=Actor(organization=alpha.organization), endpoint_id=endpoint.pk)

    change(alpha.milestone, title="Signed twice")
    (first,) = receiver.requests
    assert Webhook(old).verify(first.body, first.headers) == Webhook(new).verify(first.body, first.headers)
    assert len(first.headers["webhook-signature"].split(" ")) == 2

    time_machine.move_to(timezone.now() + timedelta(hours=24, minutes=1))
    change(alpha.milestone, title="Signed with the new secret only")
    second = receiver.requests[1]
    assert Webhook(new).verify(second.body, second.headers)["data"]["title"] == "Signed with the new secret only"
    with pytest.raises(WebhookVerificationError, match="No matching signature"):
        Webhook(old).verify(second.body, second.headers)


def test_replaying_resends_with_the_same_webhook_id(alpha, receiver, change, django_capture_on_commit_callbacks):
    endpoint, _ = subscribed(alpha.organization, receiver.url)
    partner = Actor(organization=alpha.organization)
    change(alpha.milestone, count=3)
    first, second, third = Delivery.objects.order_by("pk")
    start = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        replay_delivery(actor=partner, endpoint_id=endpoint.pk, delivery_id=first.pk)
    with django_capture_on_commit_callbacks(execute=True):
        assert replay_since(actor=partner, endpoint_id=endpoint.pk, since=second.event.occurred_at) == 2

    ids = [r.headers["webhook-id"] for r in receiver.requests]
    assert ids[3:] == [first.event.message_id, second.event.message_id, third.event.message_id]
    assert DeliveryAttempt.objects.filter(attempted_at__gte=start).count() == 3


def test_an_endpoint_failing_for_days_is_disabled_and_its_owner_told_once(
    alpha, receiver, change, settings, time_machine
):
    settings.WEBHOOK_RETRY_SCHEDULE = [60.0]
    ContactFactory(organization=alpha.organization, name="Olena Koval", email="olena@alpha.example")
    endpoint, _ = subscribed(alpha.organization, receiver.url)
    receiver.default = Reply(500)

    change(alpha.milestone)
    time_machine.move_to(timezone.now() + timedelta(days=4))
    change(alpha.milestone)
    assert Endpoint.objects.get().active
    time_machine.move_to(timezone.now() + timedelta(days=1, minutes=1))
    change(alpha.milestone)

    endpoint.refresh_from_db()
    assert not endpoint.active and endpoint.disabled_reason.startswith("Every delivery failed for days")
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.FAILED}
    (notice,) = mail.outbox
    assert notice.to == ["Olena Koval <olena@alpha.example>"]
    assert notice.subject == f"Webhook endpoint disabled: {receiver.url}"
    assert f"/api/v1/webhooks/{endpoint.pk}/deliveries/" in notice.body
    assert tasks.tell_owner_disabled.delay(endpoint.pk).get() == "nothing to tell"
    change(alpha.milestone)
    assert len(receiver.requests) == 3 and len(mail.outbox) == 1

    update_endpoint(actor=Actor(organization=alpha.organization), endpoint_id=endpoint.pk, active=True)
    receiver.default = Reply(204)
    change(alpha.milestone)
    endpoint.refresh_from_db()
    assert endpoint.active and endpoint.failing_since is None
    assert attempts(endpoint)[-1] == (204, True, "")
