"""A send that fails leaves its delivery pending, and the next run sends it; too old ones expire instead."""

import datetime
import socket

import pytest
from django.conf import settings
from django.core import mail

from projects import tasks
from projects.notifications.delivery import deliver_batch
from projects.notifications.models import Delivery, DeliveryStatus
from projects.notifications.planning import plan_reminders
from tracker.celery import app as celery_app

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
        deliver_batch(ids)
    failed = Delivery.objects.get(pk=ids[0])
    assert failed.status == DeliveryStatus.PENDING and failed.attempts == 1
    assert "ConnectionRefusedError" in failed.last_error
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.PENDING}

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


def test_the_send_task_retries_mail_errors_late_acked():
    task = tasks.deliver_batch
    assert task.acks_late and task.reject_on_worker_lost
    assert set(task.autoretry_for) >= {OSError} and task.retry_backoff and task.retry_jitter


def test_every_task_takes_its_time_limits_from_the_settings():
    """No task sets limits of its own: each has CELERY_TASK_SOFT_TIME_LIMIT and CELERY_TASK_TIME_LIMIT."""
    assert (settings.CELERY_TASK_SOFT_TIME_LIMIT, settings.CELERY_TASK_TIME_LIMIT) == (240, 300)
    assert (celery_app.conf.task_soft_time_limit, celery_app.conf.task_time_limit) == (240, 300)
    for task in (tasks.send_reminders, tasks.send_digests, tasks.deliver_batch):
        assert (task.soft_time_limit, task.time_limit) == (240, 300), task.name
