"""Staff manage contacts, preferences and rules in the admin; the delivery log there is read-only."""

import pytest
from django.urls import reverse

from projects.notifications.models import Contact, Delivery, Recipient, ReminderRule
from projects.notifications.planning import plan_reminders
from tests.factories import UserFactory


@pytest.mark.parametrize("model", [Contact, Recipient, ReminderRule, Delivery])
def test_changelists_open_for_a_superuser(client, programme, model, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        plan_reminders(programme.today)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    opts = model._meta
    response = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert response.status_code == 200 and model.objects.exists()


def test_deliveries_cannot_be_added_or_edited_in_the_admin(client, programme, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        plan_reminders(programme.today)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    delivery = Delivery.objects.first()
    assert client.get(reverse("admin:notifications_delivery_add")).status_code == 403
    change = client.post(reverse("admin:notifications_delivery_change", args=[delivery.pk]), {"status": "pending"})
    delivery.refresh_from_db()
    assert change.status_code == 403 and delivery.status == "sent"
