"""API test fixtures: tokens, bearer clients, and two partners each with a full agreement."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from projects.actors import Actor
from projects.api.tokens import issue_token
from projects.choices import PartyRole
from projects.models import (
    Agreement,
    AgreementParty,
    Disbursement,
    FundingCommitment,
    Milestone,
    Organization,
    StatusReport,
)
from tests.factories import (
    AgreementFactory,
    CapabilityFactory,
    CommitmentFactory,
    DisbursementFactory,
    MilestoneFactory,
    OrganizationFactory,
    PartyFactory,
    StatusReportFactory,
)


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    cache.clear()


def bearer(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def token_for(db):
    """Issue a token (write scope unless told) and return its secret."""

    def issue(*, organization=None, user=None, scope="write", expires_at=None) -> str:
        _, raw = issue_token(
            actor=Actor.system(), scope=scope, organization=organization, user=user, expires_at=expires_at
        )
        return raw

    return issue


@pytest.fixture
def staff_api(staff_user, token_for) -> APIClient:
    return bearer(token_for(user=staff_user))


@dataclass
class PartnerWorld:
    """A partner and everything it can see: one agreement and a record of each kind hanging off it."""

    organization: Organization
    agreement: Agreement
    party: AgreementParty
    commitment: FundingCommitment
    disbursement: Disbursement
    milestone: Milestone
    report: StatusReport


def partner_world(name: str) -> PartnerWorld:
    organization = OrganizationFactory(name=name, slug=name.lower().replace(" ", "-"), country="GB")
    agreement = AgreementFactory()
    agreement.capabilities.add(CapabilityFactory())
    party = PartyFactory(agreement=agreement, organization=organization, role=PartyRole.LEAD)
    commitment = CommitmentFactory(agreement=agreement, funder=organization)
    return PartnerWorld(
        organization=organization,
        agreement=agreement,
        party=party,
        commitment=commitment,
        disbursement=DisbursementFactory(commitment=commitment),
        milestone=MilestoneFactory(agreement=agreement, responsible=organization, unit="drones", target_quantity=100),
        report=StatusReportFactory(agreement=agreement),
    )


@pytest.fixture
def alpha(db) -> PartnerWorld:
    return partner_world("Alpha Dynamics")


@pytest.fixture
def bravo(db) -> PartnerWorld:
    return partner_world("Bravo Munitions")
