"""Staff manage contacts, preferences and rules in the admin; the delivery log there is read-only."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from projects.notifications.models import Contact, Delivery, DeliveryKind, DigestFrequency, Recipient, ReminderRule
from projects.notifications.planning import plan_digests, plan_reminders
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


def test_a_contact_added_in_the_admin_receives_reminders_and_digests(
    client, programme, django_capture_on_commit_callbacks
):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(
        reverse("admin:notifications_contact_add"),
        {"organization": programme.producer.pk, "name": "Taras Melnyk", "email": "taras@drone-works.example"},
    )
    contact = Contact.objects.get(email="taras@drone-works.example")
    monday = programme.today - datetime.timedelta(days=programme.today.weekday())

    with django_capture_on_commit_callbacks(execute=True):
        plan_reminders(programme.today)
    plan_digests(DigestFrequency.WEEKLY, monday)

    assert response.status_code == 302
    assert "Taras Melnyk <taras@drone-works.example>" in {message.to[0] for message in mail.outbox}
    assert Delivery.objects.filter(recipient__contact=contact, kind=DeliveryKind.DIGEST, on_date=monday).exists()


def test_a_contact_is_removed_in_the_admin_with_its_preferences_and_not_edited_in_place(client, programme):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    contact = programme.contact
    url = reverse("admin:notifications_contact_change", args=[contact.pk])

    edit = client.post(url, {"organization": contact.organization_id, "name": "Renamed", "email": contact.email})
    removed = client.post(reverse("admin:notifications_contact_delete", args=[contact.pk]), {"post": "yes"})

    assert edit.status_code == 403
    assert removed.status_code == 302
    assert not Contact.objects.filter(pk=contact.pk).exists()
    assert not Recipient.objects.filter(contact_id=contact.pk).exists()
