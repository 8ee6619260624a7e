"""The delivery log keeps `WEBHOOK_LOG_DAYS` of events: older ones go with their deliveries once none waits."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from projects.webhooks.choices import DeliveryStatus, EventType
from projects.webhooks.events import forget_events_before
from projects.webhooks.models import Delivery, DeliveryAttempt, Event
from projects.webhooks.tasks import forget_old_events
from tests.webhooks.conftest import subscribed


def logged(endpoint, days_ago: int, status: str) -> Event:
    """An event of `days_ago` with one delivery to `endpoint` in `status`, and its one attempt."""
    occurred = timezone.now() - timedelta(days=days_ago)
    event = Event.objects.create(type=EventType.MILESTONE_UPDATED, occurred_at=occurred, body="{}")
    pending = status == DeliveryStatus.PENDING
    delivery = Delivery.objects.create(
        event=event,
        endpoint=endpoint,
        status=status,
        next_attempt_at=occurred + timedelta(hours=1) if pending else None,
        finished_at=None if pending else occurred + timedelta(seconds=1),
    )
    succeeded = status == DeliveryStatus.SUCCEEDED
    DeliveryAttempt.objects.create(
        delivery=delivery, attempted_at=occurred, succeeded=succeeded, status_code=200 if succeeded else 500
    )
    return event


@pytest.fixture
def endpoint(alpha):
    return subscribed(alpha.organization, "https://alpha.example/hooks")[0]


def test_events_older_than_the_log_keeps_go_with_their_deliveries_and_attempts(endpoint, settings):
    settings.WEBHOOK_LOG_DAYS = 90
    delivered = logged(endpoint, 91, DeliveryStatus.SUCCEEDED)
    given_up = logged(endpoint, 200, DeliveryStatus.FAILED)
    still_owed = logged(endpoint, 120, DeliveryStatus.PENDING)
    recent = logged(endpoint, 89, DeliveryStatus.SUCCEEDED)

    assert forget_old_events() == 2

    assert set(Event.objects.values_list("pk", flat=True)) == {still_owed.pk, recent.pk}
    assert not Delivery.objects.filter(event__in=[delivered.pk, given_up.pk]).exists()
    assert DeliveryAttempt.objects.count() == 2
    assert forget_old_events() == 0  # a second run finds nothing more


def test_a_long_log_is_trimmed_batch_by_batch(endpoint):
    for days in (30, 31, 32, 33, 34):
        logged(endpoint, days, DeliveryStatus.SUCCEEDED)
    assert forget_events_before(timezone.now() - timedelta(days=31, hours=12), batch=2) == 3
    assert Event.objects.count() == 2


def test_beat_trims_the_log_daily(db):
    task = PeriodicTask.objects.get(task="projects.webhooks.tasks.forget_old_events")
    assert (task.crontab.hour, task.crontab.minute) == ("4", "40") and task.enabled
