from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.choices import AgreementStatus
from projects.models import (
    Agreement,
    AgreementParty,
    Capability,
    Disbursement,
    ExchangeRate,
    FundingCommitment,
    Milestone,
    Organization,
    StatusChange,
    StatusReport,
)
from tests.factories import (
    AgreementFactory,
    CommitmentFactory,
    DisbursementFactory,
    ExchangeRateFactory,
    MilestoneFactory,
    StatusReportFactory,
    UserFactory,
)

MODELS = [
    Organization,
    Capability,
    Agreement,
    AgreementParty,
    FundingCommitment,
    Disbursement,
    ExchangeRate,
    Milestone,
    StatusReport,
    StatusChange,
]


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_model_has_a_searchable_changelist(admin_client, model):
    DisbursementFactory()
    MilestoneFactory()
    StatusReportFactory()
    url = reverse(f"admin:projects_{model._meta.model_name}_changelist")
    response = admin_client.get(url, {"q": "x"})
    assert response.status_code == 200


def test_agreement_page_shows_inlines_and_status_is_read_only(admin_client):
    agreement = CommitmentFactory(reference="GB-TRN-01").agreement
    MilestoneFactory(agreement=agreement, title="First cohort certified")
    response = admin_client.get(reverse("admin:projects_agreement_change", args=[agreement.pk]))
    content = response.content.decode()
    assert "GB-TRN-01" in content and "First cohort certified" in content
    assert 'name="status"' not in content
    assert "Change status…" in content


def test_status_changes_through_the_transition_view_with_a_reason(admin_client):
    agreement = AgreementFactory()
    url = reverse("admin:agreement-transition", args=[agreement.pk])

    refused = admin_client.post(url, {"to_status": AgreementStatus.ACTIVE, "reason": "skip ahead"})
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.DRAFT

    accepted = admin_client.post(url, {"to_status": AgreementStatus.NEGOTIATING, "reason": "Terms agreed in principle"})
    assert accepted.status_code == 302
    change = StatusChange.objects.get(agreement=agreement)
    assert (change.to_status, change.reason, change.changed_by.username) == (
        "negotiating",
        "Terms agreed in principle",
        "root",
    )


def test_the_admin_confirms_a_status_change_in_ukrainian(admin_client):
    agreement = AgreementFactory(reference="UA-PL-2026-007")
    url = reverse("admin:agreement-transition", args=[agreement.pk])
    move = {"to_status": AgreementStatus.NEGOTIATING, "reason": "Умови погоджено"}

    page = admin_client.post(url, move, follow=True, HTTP_ACCEPT_LANGUAGE="uk")

    assert "Угода UA-PL-2026-007 тепер має стан «Переговори»." in page.content.decode()
    assert "Змінити стан…" in page.content.decode()


def test_admin_status_change_takes_the_signing_date_and_refuses_a_stale_form(admin_client):
    agreement = AgreementFactory(status=AgreementStatus.NEGOTIATING)
    url = reverse("admin:agreement-transition", args=[agreement.pk])
    shown_at = admin_client.get(url).context["form"]["expected_updated_at"].value()
    Agreement.objects.filter(pk=agreement.pk).update(title="Changed by a colleague", updated_at=timezone.now())

    move = {"to_status": AgreementStatus.SIGNED, "reason": "Signed in Kyiv", "effective_on": "2026-01-10"}
    stale = admin_client.post(url, {**move, "expected_updated_at": shown_at})
    assert stale.status_code == 200 and "changed by someone else" in stale.content.decode()
    assert Agreement.objects.get(pk=agreement.pk).status == AgreementStatus.NEGOTIATING

    assert admin_client.post(url, move).status_code == 302
    agreement.refresh_from_db()
    assert (agreement.status, agreement.signed_on) == (AgreementStatus.SIGNED, date(2026, 1, 10))


def test_admin_disbursement_beyond_the_commitment_is_refused_and_nothing_is_saved(admin_client):
    commitment = CommitmentFactory(amount=Decimal("100.00"))
    url = reverse("admin:projects_disbursement_add")
    data = {"commitment": commitment.pk, "amount": "60.00", "disbursed_on": "2026-01-20", "reference": "T1"}
    assert admin_client.post(url, data).status_code == 302
    refused = admin_client.post(url, {**data, "reference": "T2"}, follow=True)
    assert "This exceeds the commitment" in refused.content.decode()
    assert list(Disbursement.objects.values_list("reference", flat=True)) == ["T1"]


def test_admin_commitment_records_the_funder_as_party_and_history_names_the_user(admin_client):
    ExchangeRateFactory(currency="DKK")
    agreement = AgreementFactory()
    funder = Organization.objects.create(name="Danish MoD", slug="mod-dk", kind="ministry", country="DK")
    response = admin_client.post(
        reverse("admin:projects_fundingcommitment_add"),
        {
            "agreement": agreement.pk,
            "funder": funder.pk,
            "amount": "2500000.00",
            "currency": "DKK",
            "status": "pledged",
            "pledged_on": "2026-01-10",
            "reference": "DK-1",
        },
    )
    assert response.status_code == 302
    commitment = FundingCommitment.objects.get(reference="DK-1")
    assert AgreementParty.objects.filter(agreement=agreement, organization=funder, role="funder").exists()
    assert commitment.history.get().history_user.username == "root"
