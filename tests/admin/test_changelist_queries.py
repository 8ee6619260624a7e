"""Every admin changelist runs the same number of queries for a few rows as for many (no N+1)."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.actors import Actor
from projects.api.models import ApiToken
from projects.notifications.models import Delivery, ReminderRule
from projects.services.agreements import transition_agreement
from tests.factories import (
    CapabilityFactory,
    DisbursementFactory,
    ExchangeRateFactory,
    MilestoneFactory,
    PartyFactory,
    StaffUserFactory,
    StatusReportFactory,
    UserFactory,
)
from tests.notifications.factories import ContactFactory, RecipientFactory

# Queries per changelist: the session and its user, the count(s) for the paginator, the page with
# its joined rows, and those a filter or an editable column lists (capabilities, currencies, dates).
CHANGELIST_QUERIES = {
    "projects_organization": 6,
    "projects_capability": 5,
    "projects_agreement": 7,
    "projects_agreementparty": 5,
    "projects_fundingcommitment": 7,
    "projects_disbursement": 6,
    "projects_exchangerate": 8,
    "projects_milestone": 5,
    "projects_statusreport": 5,
    "projects_statuschange": 5,
    "api_apitoken": 5,
    "notifications_contact": 5,
    "notifications_recipient": 5,
    "notifications_reminderrule": 5,
    "notifications_delivery": 8,
}


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def grow(rows: int) -> None:
    """`rows` of every kind the admin lists, each with the related rows its columns show."""
    for n in range(rows):
        disbursement = DisbursementFactory()
        agreement = disbursement.commitment.agreement
        agreement.capabilities.add(CapabilityFactory())
        PartyFactory(agreement=agreement)
        MilestoneFactory(agreement=agreement)
        StatusReportFactory(agreement=agreement)
        ExchangeRateFactory(currency="GBP", valid_on=date(2025, 1, 1) + timedelta(days=n))
        transition_agreement(actor=Actor.system(), agreement_id=agreement.pk, to_status="negotiating", reason="Talks")
        contact = ContactFactory(organization=disbursement.commitment.funder)
        person = RecipientFactory(user=UserFactory())
        ApiToken.objects.create(prefix=f"cpt_{n}", key_hash=f"{n:064d}", organization=contact.organization)
        ApiToken.objects.create(prefix=f"cpt_u{n}", key_hash=f"{n + 1000:064d}", user=StaffUserFactory())
        ReminderRule.objects.create(kind="before_due", days=n + 100)
        for recipient in (contact.recipient, person):
            Delivery.objects.create(recipient=recipient, kind="digest", period="weekly", on_date=date(2025, 1, 6))


@pytest.mark.parametrize("rows", [1, 8])
def test_every_changelist_runs_the_same_queries_for_1_or_8_rows(admin_client, rows):
    grow(rows)

    counts, shown = {}, {}
    for changelist in CHANGELIST_QUERIES:
        with CaptureQueriesContext(connection) as queries:
            response = admin_client.get(reverse(f"admin:{changelist}_changelist"))
        assert response.status_code == 200, changelist
        counts[changelist], shown[changelist] = len(queries), response.context["cl"].result_count

    assert counts == CHANGELIST_QUERIES
    assert min(shown.values()) >= rows
