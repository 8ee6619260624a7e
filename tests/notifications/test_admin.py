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


def test_preferences_change_in_the_admin_as_on_the_preferences_page_and_recipients_are_not_added_or_deleted(client, db):
    person = UserFactory(email="olena@mod.example")
    recipient = Recipient.objects.create(user=person)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    change_url = reverse("admin:notifications_recipient_change", args=[recipient.pk])

    changed = client.post(change_url, {"digest_frequency": DigestFrequency.DAILY})

    recipient.refresh_from_db()
    assert changed.status_code == 302
    assert (recipient.digest_frequency, recipient.reminders_enabled) == (DigestFrequency.DAILY, False)
    assert client.get(reverse("admin:notifications_recipient_add")).status_code == 403
    delete_url = reverse("admin:notifications_recipient_delete", args=[recipient.pk])
    refused = client.post(delete_url, {"post": "yes"}, follow=True)
    assert "turn them off instead" in refused.content.decode()
    assert Recipient.objects.filter(pk=recipient.pk).exists()


def test_reminder_rules_added_switched_off_in_the_list_and_removed_in_the_admin(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    added = client.post(
        reverse("admin:notifications_reminderrule_add"), {"kind": "before_due", "days": 21, "active": "on"}
    )
    rule = ReminderRule.objects.get(kind="before_due", days=21)
    duplicate = client.post(reverse("admin:notifications_reminderrule_add"), {"kind": "before_due", "days": 21})

    switched_off = client.post(
        reverse("admin:notifications_reminderrule_changelist"),
        {
            "form-TOTAL_FORMS": 1,
            "form-INITIAL_FORMS": 1,
            "form-0-id": rule.pk,
            "_save": "Save",
        },
    )
    rule.refresh_from_db()
    active_after_list_edit = rule.active
    removed = client.post(reverse("admin:notifications_reminderrule_delete", args=[rule.pk]), {"post": "yes"})

    assert added.status_code == 302
    assert duplicate.status_code == 200
    assert "already fires on this number of days" in duplicate.content.decode()
    assert switched_off.status_code == 302 and active_after_list_edit is False
    assert removed.status_code == 302 and not ReminderRule.objects.filter(pk=rule.pk).exists()
