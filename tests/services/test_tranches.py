"""Tranches: within their commitment, released by a manager once their milestone is done, never overpaid."""

import datetime
from decimal import Decimal

import pytest

from projects.actors import Actor
from projects.choices import CommitmentStatus, MilestoneStatus
from projects.errors import DomainError, ErrorCode
from projects.models import Disbursement, Tranche
from projects.services.funding import record_disbursement, update_commitment
from projects.services.milestones import complete_milestone
from projects.services.tranches import add_tranche, delete_tranche, release_tranche
from tests.factories import CommitmentFactory, DisbursementFactory, MilestoneFactory, StaffUserFactory
from tests.services.test_funding import run_at_once

DAY = datetime.date(2026, 3, 2)


def refusal(call) -> DomainError:
    with pytest.raises(DomainError) as refused:
        call()
    return refused.value


def pay(actor, commitment, amount: str, reference: str, tranche=None):
    return record_disbursement(
        actor=actor,
        commitment_id=commitment.pk,
        amount=Decimal(amount),
        disbursed_on=DAY,
        reference=reference,
        tranche_id=tranche.pk if tranche else None,
    )


@pytest.fixture
def commitment(db):
    return CommitmentFactory(amount=Decimal("100000.00"))


def test_tranches_never_add_up_to_more_than_their_commitment(staff, commitment):
    add_tranche(actor=staff, commitment_id=commitment.pk, amount=Decimal("60000.00"), planned_on=DAY)
    over = refusal(
        lambda: add_tranche(actor=staff, commitment_id=commitment.pk, amount=Decimal("40000.01"), planned_on=DAY)
    )
    add_tranche(actor=staff, commitment_id=commitment.pk, amount=Decimal("40000.00"), planned_on=DAY)
    shrink = refusal(lambda: update_commitment(actor=staff, commitment_id=commitment.pk, amount=Decimal("99999.99")))

    assert over.code == ErrorCode.OVER_DISBURSED and over.field == "amount"
    assert "40000.00 EUR are left to plan" in over.message
    assert shrink.code == ErrorCode.OVER_DISBURSED
    assert sorted(Tranche.objects.values_list("amount", flat=True)) == [Decimal("40000.00"), Decimal("60000.00")]


def test_a_milestone_tranche_is_released_only_once_its_milestone_is_done_and_by_a_manager(staff, commitment):
    milestone = MilestoneFactory(agreement=commitment.agreement, title="Line certified")
    tranche = add_tranche(
        actor=staff,
        commitment_id=commitment.pk,
        amount=Decimal("50000.00"),
        planned_on=DAY,
        milestone_id=milestone.pk,
    )
    partner = Actor(organization=commitment.funder)

    early = refusal(lambda: release_tranche(actor=staff, tranche_id=tranche.pk))
    complete_milestone(actor=staff, milestone_id=milestone.pk, completed_on=DAY)
    by_partner = refusal(lambda: release_tranche(actor=partner, tranche_id=tranche.pk))
    by_system = refusal(lambda: release_tranche(actor=Actor.system(), tranche_id=tranche.pk))
    released = release_tranche(actor=staff, tranche_id=tranche.pk)
    twice = refusal(lambda: release_tranche(actor=staff, tranche_id=tranche.pk))

    assert early.code == ErrorCode.INVALID and "waits for the milestone “Line certified”" in early.message
    assert (by_partner.code, by_system.code, twice.code) == (
        ErrorCode.PERMISSION_DENIED,
        ErrorCode.PERMISSION_DENIED,
        ErrorCode.CONFLICT,
    )
    assert released.released_by == staff.user and released.released_at is not None


def test_a_tranche_milestone_belongs_to_the_commitments_agreement(staff, commitment):
    elsewhere = MilestoneFactory()
    wrong = refusal(
        lambda: add_tranche(
            actor=staff,
            commitment_id=commitment.pk,
            amount=Decimal("1.00"),
            planned_on=DAY,
            milestone_id=elsewhere.pk,
        )
    )
    assert wrong.field == "milestone" and not Tranche.objects.exists()


def test_payments_of_a_tranched_commitment_come_from_a_released_tranche_and_stay_within_it(staff, commitment):
    planned = add_tranche(actor=staff, commitment_id=commitment.pk, amount=Decimal("30000.00"), planned_on=DAY)
    other = add_tranche(actor=staff, commitment_id=commitment.pk, amount=Decimal("70000.00"), planned_on=DAY)
    foreign = add_tranche(actor=staff, commitment_id=CommitmentFactory().pk, amount=Decimal("10.00"), planned_on=DAY)

    untranched = refusal(lambda: pay(staff, commitment, "1000.00", "PAY-0"))
    unreleased = refusal(lambda: pay(staff, commitment, "1000.00", "PAY-1", planned))
    not_its_own = refusal(lambda: pay(staff, commitment, "5.00", "PAY-2", foreign))
    release_tranche(actor=staff, tranche_id=planned.pk)
    pay(staff, commitment, "20000.00", "PAY-3", planned)
    over = refusal(lambda: pay(staff, commitment, "10000.01", "PAY-4", planned))
    pay(staff, commitment, "10000.00", "PAY-5", planned)

    assert [e.field for e in (untranched, unreleased, not_its_own)] == ["tranche", "tranche", "tranche"]
    assert over.code == ErrorCode.OVER_DISBURSED and "10000.00 EUR remain to be disbursed from it" in over.message
    assert list(Disbursement.objects.values_list("reference", "tranche")) == [
        ("PAY-3", planned.pk),
        ("PAY-5", planned.pk),
    ]
    assert refusal(lambda: delete_tranche(actor=staff, tranche_id=planned.pk)).code == ErrorCode.CONFLICT
    delete_tranche(actor=staff, tranche_id=other.pk)


def test_a_commitment_paid_without_tranches_is_not_split_afterwards(staff, commitment):
    DisbursementFactory(commitment=commitment)
    late = refusal(
        lambda: add_tranche(actor=staff, commitment_id=commitment.pk, amount=Decimal("1.00"), planned_on=DAY)
    )
    assert late.code == ErrorCode.CONFLICT and not Tranche.objects.exists()


def test_only_managers_plan_tranches(commitment):
    partner = Actor(organization=commitment.funder)
    assert (
        refusal(
            lambda: add_tranche(actor=partner, commitment_id=commitment.pk, amount=Decimal("1.00"), planned_on=DAY)
        ).code
        == ErrorCode.PERMISSION_DENIED
    )


def test_a_cancelled_commitment_takes_no_tranches(staff):
    pledge = CommitmentFactory(status=CommitmentStatus.PLEDGED)
    update_commitment(actor=staff, commitment_id=pledge.pk, status=CommitmentStatus.CANCELLED)
    refused = refusal(lambda: add_tranche(actor=staff, commitment_id=pledge.pk, amount=Decimal("1.00"), planned_on=DAY))
    assert refused.field == "commitment"


@pytest.mark.postgres
def test_concurrent_payments_beyond_a_tranche_let_exactly_one_through(transactional_db):
    """Two payments of 600 from a released tranche of 1,000 at the same moment: only one passes."""
    manager = Actor(user=StaffUserFactory(username="releaser"))
    commitment = CommitmentFactory(amount=Decimal("100000.00"))
    milestone = MilestoneFactory(agreement=commitment.agreement, status=MilestoneStatus.DONE, completed_on=DAY)
    tranche = add_tranche(
        actor=manager,
        commitment_id=commitment.pk,
        amount=Decimal("1000.00"),
        planned_on=DAY,
        milestone_id=milestone.pk,
    )
    release_tranche(actor=manager, tranche_id=tranche.pk)
    partner = Actor(organization=commitment.funder)

    outcomes = run_at_once(
        lambda: pay(partner, commitment, "600.00", "PAY-1", tranche),
        lambda: pay(partner, commitment, "600.00", "PAY-2", tranche),
    )

    refusals = [outcome for outcome in outcomes if isinstance(outcome, DomainError)]
    assert len(refusals) == 1 and refusals[0].code == ErrorCode.OVER_DISBURSED
    assert list(Disbursement.objects.values_list("amount", flat=True)) == [Decimal("600.00")]


def test_the_agreement_shows_tranches_on_its_timeline_and_money_released_not_yet_disbursed(staff, commitment):
    from django.test import Client
    from django.urls import reverse

    from projects.selectors import funding_summary

    milestone = MilestoneFactory(agreement=commitment.agreement, title="Line certified")
    tranche = add_tranche(
        actor=staff, commitment_id=commitment.pk, amount=Decimal("40000.00"), planned_on=DAY, milestone_id=milestone.pk
    )
    add_tranche(actor=staff, commitment_id=commitment.pk, amount=Decimal("60000.00"), planned_on=DAY)
    client = Client()
    client.force_login(staff.user)
    waiting = client.get(reverse("agreement", args=[commitment.agreement_id])).content.decode()
    complete_milestone(actor=staff, milestone_id=milestone.pk, completed_on=DAY)
    release_tranche(actor=staff, tranche_id=tranche.pk)
    pay(staff, commitment, "15000.00", "PAY-1", tranche)
    paid = client.get(reverse("agreement", args=[commitment.agreement_id])).content.decode()

    assert "EUR 40,000, released when this milestone is done</span>" in waiting
    assert "Tranche 60,000 · planned 2 Mar 2026 · not released" in waiting
    assert "EUR 40,000, released</span>" in paid
    assert 'data-figure="released-not-disbursed">EUR 25,000<' in paid
    summary = funding_summary(commitment.agreement)
    assert (summary.released, summary.paid_from_tranches, summary.released_not_disbursed) == (
        Decimal("40000.00"),
        Decimal("15000.00"),
        Decimal("25000.00"),
    )


def test_a_partner_pays_from_a_released_tranche_through_the_api(staff, commitment):
    from rest_framework.test import APIClient

    from projects.api.tokens import issue_token

    tranche = add_tranche(actor=staff, commitment_id=commitment.pk, amount=Decimal("1000.00"), planned_on=DAY)
    release_tranche(actor=staff, tranche_id=tranche.pk)
    client = APIClient()
    client.credentials(
        HTTP_AUTHORIZATION=f"Bearer {issue_token(actor=staff, organization=commitment.funder, scope='write')[1]}"
    )
    body = {"commitment": commitment.pk, "amount": "600.00", "disbursed_on": "2026-03-02", "reference": "PAY-1"}

    without = client.post("/api/v1/disbursements/", body, format="json")
    paid = client.post("/api/v1/disbursements/", {**body, "tranche": tranche.pk}, format="json")
    over = client.post("/api/v1/disbursements/", {**body, "tranche": tranche.pk, "reference": "PAY-2"}, format="json")

    assert (without.status_code, without.json()["code"]) == (400, "invalid")
    assert paid.status_code == 201
    assert over.json()["code"] == "over_disbursed"
    assert list(Disbursement.objects.values_list("reference", "tranche")) == [("PAY-1", tranche.pk)]
