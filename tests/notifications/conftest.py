"""A small programme for notification tests: one live agreement, its manager, a milestone owner and a contact."""

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from projects.choices import AgreementStatus
from projects.models import Agreement, Milestone, Organization
from projects.notifications.models import Contact, ReminderRule, ReminderRuleKind
from tests.factories import AgreementFactory, MilestoneFactory, OrganizationFactory, StaffUserFactory, UserFactory
from tests.notifications.factories import ContactFactory

DEFAULT_RULES = [(ReminderRuleKind.BEFORE_DUE, d) for d in (14, 7, 1, 0)] + [(ReminderRuleKind.OVERDUE, 7)]


@dataclass
class Programme:
    today: datetime.date
    manager: object
    owner: object
    producer: Organization
    contact: Contact
    agreement: Agreement
    milestone: Milestone


@pytest.fixture
def reminder_rules(db):
    """The defaults the migration creates (transactional tests flush them, so recreate them)."""
    for kind, days in DEFAULT_RULES:
        ReminderRule.objects.get_or_create(kind=kind, days=days)


@pytest.fixture
def programme(db, reminder_rules) -> Programme:
    return make_programme()


def make_programme() -> Programme:
    """The programme as of today (call it inside a time-travel block to set the day)."""
    today = timezone.localdate()
    manager = StaffUserFactory(username="petra", first_name="Petra", last_name="Manager", email="petra@mod.example")
    owner = UserFactory(username="oleh", first_name="Oleh", last_name="Owner", email="oleh@mod.example")
    producer = OrganizationFactory(name="Kyiv Drone Works", slug="kyiv-drone-works")
    contact = ContactFactory(organization=producer, name="Olena Koval", email="olena@drone-works.example")
    agreement = AgreementFactory(
        reference="UA-GB-2026-001",
        title="Interceptor drone co-production",
        status=AgreementStatus.ACTIVE,
        signed_on=today - datetime.timedelta(days=60),
        programme_manager=manager,
    )
    milestone = MilestoneFactory(
        agreement=agreement,
        title="First 1,000 interceptors delivered",
        due_on=today + datetime.timedelta(days=14),
        responsible=producer,
        owner=owner,
        unit="interceptors",
        target_quantity=1000,
    )
    return Programme(today, manager, owner, producer, contact, agreement, milestone)
