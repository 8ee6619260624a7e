"""Deliveries go out in batches: one SMTP connection per batch, and one refused message holds up no other."""

from smtplib import SMTPRecipientsRefused

import pytest

from projects.notifications.delivery import deliver_batch
from projects.notifications.models import Delivery, DeliveryStatus, DigestFrequency
from projects.notifications.planning import plan_digests
from tests.notifications.factories import ContactFactory
from tests.notifications.mail_server import mail_server


@pytest.fixture
def smtp(settings):
    """A real SMTP server (aiosmtpd) that Django's SMTP backend sends to."""
    with mail_server() as (sink, port):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        yield sink


def test_each_batch_of_digests_is_sent_over_one_smtp_connection(
    programme, smtp, settings, django_capture_on_commit_callbacks
):
    for n in range(9):
        ContactFactory(organization=programme.producer, email=f"p{n}@drone-works.example")
    settings.NOTIFICATIONS_BATCH_SIZE = 5

    with django_capture_on_commit_callbacks(execute=True):
        plan_digests(DigestFrequency.WEEKLY, programme.today)  # 12 digests: batches of 5, 5 and 2

    assert smtp.count() == 12 and len({m["To"] for m in smtp.messages}) == 12
    assert smtp.connections == 3
    assert Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 12


def test_a_message_the_server_refuses_stays_pending_and_the_rest_of_its_batch_is_sent(
    programme, smtp, django_capture_on_commit_callbacks
):
    smtp.refusals_left = 1  # "451 try again later" for the first message
    with django_capture_on_commit_callbacks():
        ids = plan_digests(DigestFrequency.WEEKLY, programme.today)

    with pytest.raises(SMTPRecipientsRefused):  # raised once the batch is done, so the task retries
        deliver_batch(ids)
    assert smtp.refused == 1 and smtp.count() == 2
    refused = Delivery.objects.get(status=DeliveryStatus.PENDING)
    assert refused.attempts == 1 and "451" in refused.last_error

    assert deliver_batch(ids) == {DeliveryStatus.SENT: 1}  # the task's retry sends only what is left
    assert smtp.count() == 3 and len({m["To"] for m in smtp.messages}) == 3
    assert sorted(Delivery.objects.values_list("attempts", flat=True)) == [1, 1, 2]
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    assert smtp.connections == 2
