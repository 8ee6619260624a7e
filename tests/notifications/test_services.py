"""Contacts and preferences: who may change them, and duplicates refused without a trace."""

import pytest

from projects.actors import Actor
from projects.errors import DomainError, ErrorCode
from projects.notifications.models import Contact, DigestFrequency, Recipient
from projects.notifications.services import add_contact, set_preferences
from tests.factories import OrganizationFactory, UserFactory


def test_staff_add_a_contact_who_gets_default_preferences_and_a_duplicate_is_refused(staff):
    organization = OrganizationFactory()
    contact = add_contact(
        actor=staff, organization_id=organization.pk, name="Ivan Petrenko", email="ivan@works.example"
    )
    assert contact.recipient.digest_frequency == DigestFrequency.WEEKLY and contact.recipient.reminders_enabled

    with pytest.raises(DomainError) as refused:
        add_contact(actor=staff, organization_id=organization.pk, name="Ivan again", email="ivan@works.example")
    assert refused.value.code == ErrorCode.DUPLICATE
    assert Contact.objects.count() == Recipient.objects.count() == 1


def test_partners_cannot_add_contacts(partner, partner_org):
    with pytest.raises(DomainError) as refused:
        add_contact(actor=partner, organization_id=partner_org.pk, name="Someone", email="someone@partner.example")
    assert refused.value.code == ErrorCode.PERMISSION_DENIED and not Contact.objects.exists()


def test_users_change_their_own_preferences_but_nobody_elses(staff):
    own, other = (Recipient.objects.create(user=UserFactory()) for _ in range(2))
    actor = Actor(user=own.user)

    set_preferences(actor=actor, recipient_id=own.pk, digest_frequency=DigestFrequency.DAILY, reminders_enabled=False)
    with pytest.raises(DomainError) as refused:
        set_preferences(actor=actor, recipient_id=other.pk, digest_frequency=DigestFrequency.OFF)

    own.refresh_from_db(), other.refresh_from_db()
    assert (own.digest_frequency, own.reminders_enabled) == (DigestFrequency.DAILY, False)
    assert refused.value.code == ErrorCode.PERMISSION_DENIED and other.digest_frequency == DigestFrequency.WEEKLY
    set_preferences(actor=staff, recipient_id=other.pk, digest_frequency=DigestFrequency.OFF)
    other.refresh_from_db()
    assert other.digest_frequency == DigestFrequency.OFF


def test_an_unknown_digest_frequency_is_refused(staff):
    recipient = Recipient.objects.create(user=UserFactory())
    with pytest.raises(DomainError) as refused:
        set_preferences(actor=staff, recipient_id=recipient.pk, digest_frequency="hourly")
    recipient.refresh_from_db()
    assert refused.value.code == ErrorCode.INVALID and recipient.digest_frequency == DigestFrequency.WEEKLY
