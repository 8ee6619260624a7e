"""A send that fails leaves its delivery pending, and the next run sends it; too old ones expire instead."""

import datetime
import socket

import pytest
from django.core import mail

from projects.notifications.delivery import deliver, plan_reminders
from projects.notifications.models import Delivery, DeliveryStatus
from projects.tasks import deliver as deliver_task

DAY = datetime.timedelta(days=1)


@pytest.fixture
def unreachable_smtp(settings):
    """An SMTP address nothing listens on: sending fails with a real connection error."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    return settings


def test_a_failed_send_stays_pending_and_the_next_run_sends_it(
    programme, unreachable_smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        ids = plan_reminders(programme.today)
    with pytest.raises(ConnectionRefusedError):
        deliver(ids[0])
    failed = Delivery.objects.get(pk=ids[0])
    assert failed.status == DeliveryStatus.PENDING and failed.attempts == 1
    assert "ConnectionRefusedError" in failed.last_error

    unreachable_smtp.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        plan_reminders(programme.today + DAY)  # the next day's run

    assert len(mail.outbox) == 3
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}


def test_deliveries_left_pending_longer_than_the_catch_up_window_expire(
    programme, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        plan_reminders(programme.today)
    settings.NOTIFICATIONS_CATCH_UP_DAYS = 3
    with django_capture_on_commit_callbacks(execute=True):
        plan_reminders(programme.today + 4 * DAY)
    assert mail.outbox == []
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.EXPIRED}


def test_the_send_task_retries_mail_errors_late_acked_with_time_limits():
    assert deliver_task.acks_late and deliver_task.reject_on_worker_lost
    assert set(deliver_task.autoretry_for) >= {OSError} and deliver_task.retry_backoff and deliver_task.retry_jitter
    assert deliver_task.soft_time_limit < deliver_task.time_limit
