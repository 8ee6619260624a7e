"""Commitments and disbursements: money is disbursed only from firm commitments and never beyond them."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum

from projects.actors import Actor
from projects.choices import CommitmentStatus, PartyRole
from projects.errors import DomainError, ErrorCode
from projects.models import Agreement, AgreementParty, Disbursement, ExchangeRate, FundingCommitment
from projects.services.funding import (
    record_commitment,
    record_disbursement,
    set_exchange_rate,
    update_commitment,
)
from tests.factories import (
    TODAY,
    AgreementFactory,
    CommitmentFactory,
    DisbursementFactory,
    ExchangeRateFactory,
    OrganizationFactory,
    PartyFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def disburse(actor, commitment, amount, reference="PAY-1"):
    return record_disbursement(
        actor=actor, commitment_id=commitment.pk, amount=Decimal(amount), disbursed_on=TODAY, reference=reference
    )


def disbursed(commitment) -> Decimal:
    return commitment.disbursements.aggregate(total=Sum("amount"))["total"] or Decimal("0")


def test_disbursement_beyond_commitment_is_refused_and_enqueues_nothing(staff, django_capture_on_commit_callbacks):
    commitment = CommitmentFactory(amount=Decimal("100.00"))
    disburse(staff, commitment, "90.00", "PAY-1")

    with django_capture_on_commit_callbacks() as hooks, pytest.raises(DomainError) as refused:
        disburse(staff, commitment, "10.01", "PAY-2")

    assert (refused.value.code, refused.value.field) == (ErrorCode.OVER_DISBURSED, "amount")
    assert "10.00 EUR remain" in refused.value.message
    assert hooks == []
    assert disbursed(commitment) == Decimal("90.00") and commitment.disbursements.count() == 1
    disburse(staff, commitment, "10.00", "PAY-2")
    assert disbursed(commitment) == commitment.amount


def test_a_disbursement_without_an_amount_is_refused_as_invalid(staff):
    commitment = CommitmentFactory()

    with pytest.raises(DomainError) as refused:
        record_disbursement(actor=staff, commitment_id=commitment.pk, amount=None, disbursed_on=TODAY, reference="P")

    assert refused.value.code == ErrorCode.INVALID and "amount" in refused.value.errors
    assert not commitment.disbursements.exists()


@pytest.mark.parametrize("status", [CommitmentStatus.PLEDGED, CommitmentStatus.CANCELLED])
def test_only_committed_money_takes_disbursements(staff, status):
    commitment = CommitmentFactory(status=status)
    firm = CommitmentFactory(agreement=commitment.agreement, funder=commitment.funder)

    with pytest.raises(DomainError) as refused:
        disburse(staff, commitment, "1.00")

    assert refused.value.code == ErrorCode.NOT_COMMITTED
    assert not commitment.disbursements.exists()
    disburse(staff, firm, "1.00")
    assert disbursed(firm) == Decimal("1.00")


def test_pledge_takes_disbursements_once_committed(staff):
    pledge = CommitmentFactory(status=CommitmentStatus.PLEDGED)
    with pytest.raises(DomainError):
        disburse(staff, pledge, "5.00")

    update_commitment(actor=staff, commitment_id=pledge.pk, status=CommitmentStatus.COMMITTED)

    disburse(staff, pledge, "5.00")
    assert disbursed(pledge) == Decimal("5.00")


def test_partner_records_disbursements_only_of_its_own_commitments(partner, partner_org):
    own = CommitmentFactory(funder=partner_org)
    # Another funder's commitment on the same agreement, which the partner can see.
    other = CommitmentFactory(agreement=own.agreement)
    colleague = Actor(user=UserFactory(is_staff=False))

    disburse(partner, own, "500.00")
    for outsider in (partner, colleague):
        with pytest.raises(DomainError) as refused:
            disburse(outsider, other, "500.00")
        assert refused.value.code == ErrorCode.PERMISSION_DENIED

    assert not other.disbursements.exists() and disbursed(own) == Decimal("500.00")
    assert Disbursement.objects.get().history.get().history_organization == partner_org


def test_partner_cannot_record_commitments(partner, partner_org, staff):
    agreement = AgreementFactory()
    terms = {"agreement_id": agreement.pk, "funder_id": partner_org.pk, "amount": Decimal("10"), "currency": "EUR"}

    with pytest.raises(DomainError) as refused:
        record_commitment(actor=partner, pledged_on=TODAY, **terms)

    assert refused.value.code == ErrorCode.PERMISSION_DENIED and not FundingCommitment.objects.exists()
    record_commitment(actor=staff, pledged_on=TODAY, **terms)
    assert FundingCommitment.objects.count() == 1


def test_recording_a_commitment_makes_the_funder_a_party_once(staff):
    ExchangeRateFactory(currency="DKK")
    agreement = AgreementFactory()
    funder = OrganizationFactory(kind="government", country="DK")

    for reference in ("DK-1", "DK-2"):
        commitment = record_commitment(
            actor=staff,
            agreement_id=agreement.pk,
            funder_id=funder.pk,
            amount=Decimal("2500000.00"),
            currency="DKK",
            pledged_on=TODAY,
            reference=reference,
        )

    assert commitment.status == CommitmentStatus.PLEDGED
    assert list(AgreementParty.objects.values_list("organization", "role")) == [(funder.pk, PartyRole.FUNDER)]


def test_each_funder_gains_the_funder_role_on_the_agreement_it_funds(staff):
    """A funder of another agreement, a lead of this one and a newcomer beside an existing funder all become funders."""
    agreement, elsewhere = AgreementFactory(), AgreementFactory()
    of_elsewhere, lead, existing, newcomer = (OrganizationFactory() for _ in range(4))
    CommitmentFactory(agreement=elsewhere, funder=of_elsewhere)
    PartyFactory(agreement=agreement, organization=lead, role=PartyRole.LEAD)
    CommitmentFactory(agreement=agreement, funder=existing)
    before = Agreement.objects.get(pk=agreement.pk).updated_at

    for funder in (of_elsewhere, lead, newcomer):
        record_commitment(
            actor=staff,
            agreement_id=agreement.pk,
            funder_id=funder.pk,
            amount=Decimal("10.00"),
            currency="EUR",
            pledged_on=TODAY,
        )

    assert set(agreement.parties.values_list("organization", "role")) == {
        (of_elsewhere.pk, "funder"),
        (lead.pk, "lead"),
        (lead.pk, "funder"),
        (existing.pk, "funder"),
        (newcomer.pk, "funder"),
    }
    assert Agreement.objects.get(pk=agreement.pk).updated_at > before  # clients see the new parties


def test_a_commitments_terms_change_and_naming_its_current_status_is_no_move(staff):
    commitment = CommitmentFactory(amount=Decimal("100.00"), reference="UK-1", status=CommitmentStatus.COMMITTED)

    update_commitment(
        actor=staff,
        commitment_id=commitment.pk,
        status=CommitmentStatus.COMMITTED,
        amount=Decimal("150.00"),
        pledged_on=datetime.date(2026, 1, 5),
        reference="UK-1a",
    )

    changed = FundingCommitment.objects.get(pk=commitment.pk)
    assert (changed.status, changed.amount, changed.pledged_on, changed.reference) == (
        "committed",
        Decimal("150.00"),
        datetime.date(2026, 1, 5),
        "UK-1a",
    )


def test_a_commitment_changed_meanwhile_is_a_conflict(staff):
    commitment = CommitmentFactory(amount=Decimal("100.00"))
    seen = commitment.updated_at
    update_commitment(actor=staff, commitment_id=commitment.pk, amount=Decimal("200.00"))

    with pytest.raises(DomainError) as refused:
        update_commitment(actor=staff, commitment_id=commitment.pk, expected_updated_at=seen, amount=Decimal("50.00"))

    assert refused.value.code == ErrorCode.CONFLICT
    assert FundingCommitment.objects.get(pk=commitment.pk).amount == Decimal("200.00")


@pytest.mark.parametrize(
    ("status", "amount", "currency", "code"),
    [
        (CommitmentStatus.CANCELLED, "10.00", "EUR", ErrorCode.INVALID),
        (CommitmentStatus.PLEDGED, "0.00", "EUR", ErrorCode.INVALID),
        (CommitmentStatus.PLEDGED, "-10.00", "EUR", ErrorCode.INVALID),
        (CommitmentStatus.PLEDGED, "10.00", "euro", ErrorCode.INVALID),
    ],
)
def test_bad_commitment_is_refused_and_changes_nothing(staff, status, amount, currency, code):
    agreement = AgreementFactory()
    funder = OrganizationFactory()
    terms = {"actor": staff, "agreement_id": agreement.pk, "funder_id": funder.pk, "pledged_on": TODAY}

    with pytest.raises(DomainError) as refused:
        record_commitment(status=status, amount=Decimal(amount), currency=currency, **terms)

    assert refused.value.code == code
    assert not FundingCommitment.objects.exists() and not AgreementParty.objects.exists()
    record_commitment(status=CommitmentStatus.COMMITTED, amount=Decimal("10.00"), currency="EUR", **terms)


COMMITMENT_STATUS_PAIRS = [(a, b) for a in CommitmentStatus.values for b in CommitmentStatus.values if a != b]
# A pledge becomes firm or is withdrawn, firm money can be cancelled; cancelled money never comes back.
COMMITMENT_MOVES = [("pledged", "committed"), ("pledged", "cancelled"), ("committed", "cancelled")]


@pytest.mark.parametrize(("from_status", "to_status"), COMMITMENT_STATUS_PAIRS)
def test_commitment_status_moves_only_forward(staff, from_status, to_status):
    commitment = CommitmentFactory(status=from_status)

    if (from_status, to_status) in COMMITMENT_MOVES:
        update_commitment(actor=staff, commitment_id=commitment.pk, status=to_status)
        assert FundingCommitment.objects.get(pk=commitment.pk).status == to_status
    else:
        with pytest.raises(DomainError) as refused:
            update_commitment(actor=staff, commitment_id=commitment.pk, status=to_status)
        assert (refused.value.code, refused.value.field) == (ErrorCode.TRANSITION_NOT_ALLOWED, "status")
        assert FundingCommitment.objects.get(pk=commitment.pk).status == from_status


def test_commitment_with_disbursements_cannot_be_cancelled(staff):
    paid = DisbursementFactory().commitment
    unpaid = CommitmentFactory()

    with pytest.raises(DomainError) as refused:
        update_commitment(actor=staff, commitment_id=paid.pk, status=CommitmentStatus.CANCELLED)

    assert refused.value.code == ErrorCode.COMMITMENT_HAS_DISBURSEMENTS
    assert FundingCommitment.objects.get(pk=paid.pk).status == CommitmentStatus.COMMITTED
    update_commitment(actor=staff, commitment_id=unpaid.pk, status=CommitmentStatus.CANCELLED)
    assert FundingCommitment.objects.get(pk=unpaid.pk).status == CommitmentStatus.CANCELLED


def test_commitment_amount_cannot_fall_below_what_was_disbursed(staff):
    commitment = CommitmentFactory(amount=Decimal("100.00"))
    DisbursementFactory(commitment=commitment, amount=Decimal("60.00"))

    with pytest.raises(DomainError) as refused:
        update_commitment(actor=staff, commitment_id=commitment.pk, amount=Decimal("59.99"))

    assert (refused.value.code, refused.value.field) == (ErrorCode.OVER_DISBURSED, "amount")
    assert FundingCommitment.objects.get(pk=commitment.pk).amount == Decimal("100.00")
    update_commitment(actor=staff, commitment_id=commitment.pk, amount=Decimal("60.00"))
    assert FundingCommitment.objects.get(pk=commitment.pk).amount == Decimal("60.00")


def test_only_programme_managers_change_commitments(staff, partner, partner_org):
    commitment = CommitmentFactory(funder=partner_org, status=CommitmentStatus.PLEDGED)

    with pytest.raises(DomainError) as refused:
        update_commitment(actor=partner, commitment_id=commitment.pk, status=CommitmentStatus.COMMITTED)

    assert refused.value.code == ErrorCode.PERMISSION_DENIED
    assert FundingCommitment.objects.get(pk=commitment.pk).status == CommitmentStatus.PLEDGED


def test_only_programme_managers_set_exchange_rates(staff, partner):
    with pytest.raises(DomainError) as refused:
        set_exchange_rate(actor=partner, currency="GBP", rate=Decimal("9.99"), valid_on=TODAY)

    assert refused.value.code == ErrorCode.PERMISSION_DENIED and not ExchangeRate.objects.exists()
    set_exchange_rate(actor=staff, currency="GBP", rate=Decimal("1.17"), valid_on=TODAY)
    assert ExchangeRate.objects.get().rate == Decimal("1.17")


def test_exchange_rate_for_a_day_is_replaced_not_duplicated(staff):
    set_exchange_rate(actor=staff, currency="GBP", rate=Decimal("1.17"), valid_on=TODAY)
    set_exchange_rate(actor=staff, currency="GBP", rate=Decimal("1.18"), valid_on=TODAY)

    assert list(ExchangeRate.objects.values_list("currency", "rate")) == [("GBP", Decimal("1.18"))]
    with pytest.raises(DomainError) as refused:
        set_exchange_rate(actor=staff, currency="GBP", rate=Decimal("0"), valid_on=TODAY)
    assert refused.value.code == ErrorCode.INVALID
    assert ExchangeRate.objects.get().rate == Decimal("1.18")


def run_at_once(*calls) -> list[object]:
    """Run each call in its own thread (own database connection), released together; return outcomes."""
    start = threading.Barrier(len(calls))
    outcomes: list[object] = []

    def run(call) -> None:
        try:
            start.wait(timeout=10)
            outcomes.append(call())
        except DomainError as exc:
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(outcomes) == len(calls)
    return outcomes


@pytest.mark.postgres
def test_concurrent_disbursements_beyond_the_commitment_let_exactly_one_through(transactional_db):
    """Two payments of 60 against 100 at the same moment: the commitment lock lets only one pass."""
    commitment = CommitmentFactory(amount=Decimal("100.00"))
    system = Actor.system()

    outcomes = run_at_once(
        lambda: disburse(system, commitment, "60.00", "PAY-1"),
        lambda: disburse(system, commitment, "60.00", "PAY-2"),
    )

    refusals = [outcome for outcome in outcomes if isinstance(outcome, DomainError)]
    assert [refusal.code for refusal in refusals] == [ErrorCode.OVER_DISBURSED]
    assert disbursed(commitment) == Decimal("60.00") and commitment.disbursements.count() == 1


@pytest.mark.postgres
def test_cutting_a_commitment_while_it_is_paid_never_leaves_money_uncovered(transactional_db):
    """A cut to 50 and a payment of 60 against 100 at once: whichever comes second is refused."""
    commitment = CommitmentFactory(amount=Decimal("100.00"))
    system = Actor.system()

    outcomes = run_at_once(
        lambda: disburse(system, commitment, "60.00"),
        lambda: update_commitment(actor=system, commitment_id=commitment.pk, amount=Decimal("50.00")),
    )

    refusals = [outcome for outcome in outcomes if isinstance(outcome, DomainError)]
    assert [refusal.code for refusal in refusals] == [ErrorCode.OVER_DISBURSED]
    commitment.refresh_from_db()
    assert disbursed(commitment) <= commitment.amount
    assert (commitment.amount, disbursed(commitment)) in {(Decimal("100.00"), Decimal("60.00")), (Decimal("50.00"), 0)}
