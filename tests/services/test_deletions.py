"""Deleting records: programme managers only, never over a newer version, never orphaning money or duties."""

from datetime import timedelta

import pytest

from projects.errors import DomainError, ErrorCode
from projects.models import Agreement, Capability, Disbursement, FundingCommitment, Milestone, Organization
from projects.services.agreements import delete_agreement
from projects.services.funding import delete_commitment, delete_disbursement
from projects.services.milestones import delete_milestone
from projects.services.organizations import (
    create_capability,
    create_organization,
    delete_capability,
    delete_organization,
    update_capability,
    update_organization,
)
from projects.services.reports import delete_status_report
from tests.factories import (
    AgreementFactory,
    CapabilityFactory,
    CommitmentFactory,
    DisbursementFactory,
    MilestoneFactory,
    OrganizationFactory,
    StatusReportFactory,
)

pytestmark = pytest.mark.django_db


def test_an_agreement_with_paid_money_stays_and_one_without_goes_with_its_records(staff):
    paid = DisbursementFactory().commitment.agreement
    with pytest.raises(DomainError) as refused:
        delete_agreement(actor=staff, agreement_id=paid.pk)
    assert refused.value.code == ErrorCode.CONFLICT and "disbursements" in refused.value.message
    assert Agreement.objects.filter(pk=paid.pk).exists()

    unpaid = CommitmentFactory().agreement
    MilestoneFactory(agreement=unpaid)
    delete_agreement(actor=staff, agreement_id=unpaid.pk)
    assert not Agreement.objects.filter(pk=unpaid.pk).exists()
    assert not FundingCommitment.objects.filter(agreement_id=unpaid.pk).exists()
    assert not Milestone.objects.filter(agreement_id=unpaid.pk).exists()


def test_a_commitment_goes_only_once_its_disbursements_are_gone(staff):
    disbursement = DisbursementFactory()
    commitment = disbursement.commitment
    with pytest.raises(DomainError):
        delete_commitment(actor=staff, commitment_id=commitment.pk)
    delete_disbursement(actor=staff, disbursement_id=disbursement.pk)
    delete_commitment(actor=staff, commitment_id=commitment.pk)
    assert not Disbursement.objects.exists() and not FundingCommitment.objects.exists()


@pytest.mark.parametrize(
    ("make", "delete", "argument"),
    [
        (AgreementFactory, delete_agreement, "agreement_id"),
        (CommitmentFactory, delete_commitment, "commitment_id"),
        (DisbursementFactory, delete_disbursement, "disbursement_id"),
        (MilestoneFactory, delete_milestone, "milestone_id"),
        (StatusReportFactory, delete_status_report, "report_id"),
        (CapabilityFactory, delete_capability, "capability_id"),
        (OrganizationFactory, delete_organization, "organization_id"),
    ],
)
def test_deletes_are_for_programme_managers_and_refuse_a_stale_version(staff, partner, make, delete, argument):
    record = make()
    model = type(record)
    with pytest.raises(DomainError) as partner_refused:
        delete(actor=partner, **{argument: record.pk})
    assert partner_refused.value.code == ErrorCode.PERMISSION_DENIED
    with pytest.raises(DomainError) as stale:
        delete(actor=staff, expected_updated_at=record.updated_at - timedelta(seconds=1), **{argument: record.pk})
    assert stale.value.code == ErrorCode.CONFLICT
    assert model.objects.filter(pk=record.pk).exists()

    delete(actor=staff, expected_updated_at=record.updated_at, **{argument: record.pk})
    assert not model.objects.filter(pk=record.pk).exists()


def test_an_organisation_with_duties_or_money_stays(staff):
    funder = CommitmentFactory().funder
    with pytest.raises(DomainError) as refused:
        delete_organization(actor=staff, organization_id=funder.pk)
    assert "remove them first" in refused.value.message
    assert Organization.objects.filter(pk=funder.pk).exists()


def test_organisations_and_capabilities_are_maintained_by_programme_managers(staff, partner):
    with pytest.raises(DomainError) as refused:
        create_capability(actor=partner, name="EW", slug="ew")
    assert refused.value.code == ErrorCode.PERMISSION_DENIED
    capability = create_capability(actor=staff, name="EW", slug="ew")
    update_capability(actor=staff, capability_id=capability.pk, name="Electronic warfare")
    assert Capability.objects.get(pk=capability.pk).name == "Electronic warfare"
    assert capability.history.latest().history_user == staff.user

    organization = create_organization(actor=staff, name="Danish MoD", slug="mod-dk", kind="ministry", country="DK")
    with pytest.raises(DomainError) as invalid:
        update_organization(actor=staff, organization_id=organization.pk, country="Denmark")
    assert invalid.value.code == ErrorCode.INVALID and "country" in invalid.value.errors
    with pytest.raises(DomainError) as duplicate:
        create_organization(actor=staff, name="Danish MoD", slug="mod-dk-2", kind="ministry", country="DK")
    assert duplicate.value.code == ErrorCode.DUPLICATE
    assert Organization.objects.get(pk=organization.pk).country == "DK"
