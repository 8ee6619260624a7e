"""Four-eyes approval: money changes wait for a second programme manager and apply under today's rules."""

from datetime import date
from decimal import Decimal

import pytest

from projects.actors import Actor
from projects.choices import ChangeOperation, ChangeState, ChangeTarget, CommitmentStatus
from projects.errors import DomainError, ErrorCode
from projects.models import ChangeRequest, Disbursement, FundingCommitment
from projects.services.change_requests import approve_change, propose_change, reject_change, submit_money_change
from projects.services.funding import record_disbursement, verify_disbursement
from tests.factories import AgreementFactory, CommitmentFactory, DisbursementFactory, OrganizationFactory
from tests.services.test_funding import run_at_once

pytestmark = pytest.mark.usefixtures("four_eyes")


def propose_disbursement(actor, commitment, amount="60.00", reference="PAY-1"):
    return propose_change(
        actor=actor,
        target=ChangeTarget.DISBURSEMENT,
        operation=ChangeOperation.CREATE,
        reason="Invoice 17 paid",
        changes={
            "commitment_id": commitment.pk,
            "amount": Decimal(amount),
            "disbursed_on": date(2026, 3, 2),
            "reference": reference,
            "source": "https://example.org/invoice-17",
        },
    )


def test_a_proposed_disbursement_changes_no_money_until_a_second_manager_approves(staff, second_staff):
    commitment = CommitmentFactory(amount=Decimal("100.00"))

    request = propose_disbursement(staff, commitment)

    assert Disbursement.objects.count() == 0
    assert (request.state, request.author_user, request.reason) == (ChangeState.PENDING, staff.user, "Invoice 17 paid")
    assert request.proposed["amount"] == "60.00"
    approved = approve_change(actor=second_staff, change_request_id=request.pk)
    disbursement = Disbursement.objects.get()
    assert (disbursement.amount, disbursement.reference) == (Decimal("60.00"), "PAY-1")
    assert (disbursement.source, disbursement.reported_by_user, disbursement.is_verified) == (
        "https://example.org/invoice-17",
        staff.user,
        False,
    )
    assert (approved.state, approved.decided_by, approved.disbursement) == (
        ChangeState.APPLIED,
        second_staff.user,
        disbursement,
    )
    history = disbursement.history.get()
    assert history.history_user == second_staff.user
    assert history.history_change_reason == f"Change request #{request.pk} by manager, approved by approver"


def test_the_author_can_never_approve_or_reject_their_own_change(staff):
    commitment = CommitmentFactory(amount=Decimal("100.00"))
    request = propose_disbursement(staff, commitment)

    for decide in (
        lambda: approve_change(actor=staff, change_request_id=request.pk),
        lambda: reject_change(actor=staff, change_request_id=request.pk, reason="Changed my mind"),
    ):
        with pytest.raises(DomainError) as refused:
            decide()
        assert refused.value.code == ErrorCode.SELF_APPROVAL
    request.refresh_from_db()
    assert request.state == ChangeState.PENDING and Disbursement.objects.count() == 0


def test_a_partner_proposes_a_disbursement_of_its_commitment_but_cannot_approve(partner_org, partner, staff):
    commitment = CommitmentFactory(amount=Decimal("100.00"), funder=partner_org)
    other = CommitmentFactory(amount=Decimal("100.00"))

    request = propose_disbursement(partner, commitment)
    with pytest.raises(DomainError) as not_its_own:
        propose_disbursement(partner, other, reference="PAY-2")
    with pytest.raises(DomainError) as not_staff:
        approve_change(actor=partner, change_request_id=request.pk)

    assert request.author_organization == partner_org and request.author_user is None
    assert not_its_own.value.code == not_staff.value.code == ErrorCode.PERMISSION_DENIED
    approve_change(actor=staff, change_request_id=request.pk)
    assert Disbursement.objects.get().reported_by_organization == partner_org


def test_a_proposal_the_rules_refuse_now_is_not_recorded(staff):
    commitment = CommitmentFactory(amount=Decimal("100.00"))

    with pytest.raises(DomainError) as refused:
        propose_disbursement(staff, commitment, amount="160.00")
    with pytest.raises(DomainError) as no_reason:
        propose_change(
            actor=staff,
            target=ChangeTarget.COMMITMENT,
            operation=ChangeOperation.DELETE,
            record_id=commitment.pk,
            reason="  ",
        )

    assert refused.value.code == ErrorCode.OVER_DISBURSED
    assert (no_reason.value.code, no_reason.value.field) == (ErrorCode.INVALID, "reason")
    assert ChangeRequest.objects.count() == 0


def test_a_change_that_became_invalid_fails_at_approval_and_says_why(staff, second_staff):
    commitment = CommitmentFactory(amount=Decimal("100.00"))
    first = propose_disbursement(staff, commitment, amount="60.00", reference="PAY-1")
    second = propose_disbursement(staff, commitment, amount="60.00", reference="PAY-2")
    approve_change(actor=second_staff, change_request_id=first.pk)

    with pytest.raises(DomainError) as refused:
        approve_change(actor=second_staff, change_request_id=second.pk)

    second.refresh_from_db()
    assert refused.value.code == ErrorCode.CHANGE_FAILED
    assert second.state == ChangeState.FAILED and second.decided_by == second_staff.user
    assert second.decision_note == "This exceeds the commitment: 40.00 EUR remain to be disbursed."
    assert list(Disbursement.objects.values_list("reference", flat=True)) == ["PAY-1"]


def test_a_change_to_a_commitment_edited_meanwhile_fails_at_approval(staff, second_staff):
    commitment = CommitmentFactory(amount=Decimal("100.00"), status=CommitmentStatus.PLEDGED)
    cut = propose_change(
        actor=staff,
        target=ChangeTarget.COMMITMENT,
        operation=ChangeOperation.CHANGE,
        record_id=commitment.pk,
        changes={"amount": Decimal("80.00")},
        reason="Funder reduced the pledge",
    )
    confirm = propose_change(
        actor=staff,
        target=ChangeTarget.COMMITMENT,
        operation=ChangeOperation.CHANGE,
        record_id=commitment.pk,
        changes={"status": CommitmentStatus.COMMITTED},
        reason="Signed letter received",
    )
    approve_change(actor=second_staff, change_request_id=confirm.pk)

    with pytest.raises(DomainError):
        approve_change(actor=second_staff, change_request_id=cut.pk)

    commitment.refresh_from_db()
    cut.refresh_from_db()
    assert (commitment.amount, commitment.status) == (Decimal("100.00"), CommitmentStatus.COMMITTED)
    assert cut.state == ChangeState.FAILED and "changed by someone else" in cut.decision_note
    assert cut.diff() == [("amount", "100.00", "80.00")]


def test_rejection_needs_a_reason_and_changes_nothing(staff, second_staff):
    agreement = AgreementFactory(budget=Decimal("1000.00"))
    request = propose_change(
        actor=staff,
        target=ChangeTarget.AGREEMENT_BUDGET,
        operation=ChangeOperation.CHANGE,
        agreement_id=agreement.pk,
        changes={"budget": Decimal("1500.00")},
        reason="Second production line",
    )

    with pytest.raises(DomainError) as no_reason:
        reject_change(actor=second_staff, change_request_id=request.pk, reason="")
    rejected = reject_change(actor=second_staff, change_request_id=request.pk, reason="Not agreed by the board")
    with pytest.raises(DomainError) as decided:
        approve_change(actor=second_staff, change_request_id=request.pk)

    agreement.refresh_from_db()
    assert no_reason.value.field == "reason" and decided.value.code == ErrorCode.ALREADY_DECIDED
    assert (rejected.state, rejected.decision_note) == (ChangeState.REJECTED, "Not agreed by the board")
    assert agreement.budget == Decimal("1000.00")
    assert request.diff() == [("budget", "1000.00", "1500.00")]


def test_every_money_operation_waits_then_applies(staff, second_staff):
    agreement = AgreementFactory(budget=Decimal("1000.00"))
    funder = OrganizationFactory()
    commitment = CommitmentFactory(agreement=agreement, amount=Decimal("100.00"))
    doomed = CommitmentFactory(agreement=agreement, amount=Decimal("5.00"))
    paid = DisbursementFactory(commitment=commitment, amount=Decimal("10.00"))
    proposals = [
        {
            "target": ChangeTarget.COMMITMENT,
            "operation": ChangeOperation.CREATE,
            "agreement_id": agreement.pk,
            "changes": {
                "funder_id": funder.pk,
                "amount": Decimal("250.00"),
                "currency": "EUR",
                "pledged_on": date(2026, 2, 1),
            },
        },
        {
            "target": ChangeTarget.COMMITMENT,
            "operation": ChangeOperation.CHANGE,
            "record_id": commitment.pk,
            "changes": {"amount": Decimal("120.00")},
        },
        {"target": ChangeTarget.COMMITMENT, "operation": ChangeOperation.DELETE, "record_id": doomed.pk},
        {"target": ChangeTarget.DISBURSEMENT, "operation": ChangeOperation.DELETE, "record_id": paid.pk},
        {
            "target": ChangeTarget.AGREEMENT_BUDGET,
            "operation": ChangeOperation.CHANGE,
            "agreement_id": agreement.pk,
            "changes": {"budget": Decimal("2000.00")},
        },
    ]

    requests = [submit_money_change(actor=staff, reason="Quarterly review", **p).change_request for p in proposals]

    def money():
        agreement.refresh_from_db()
        return (
            agreement.budget,
            sorted(FundingCommitment.objects.values_list("amount", flat=True)),
            list(Disbursement.objects.values_list("amount", flat=True)),
        )

    assert money() == (Decimal("1000.00"), [Decimal("5.00"), Decimal("100.00")], [Decimal("10.00")])
    for request in requests:
        approve_change(actor=second_staff, change_request_id=request.pk)
    assert money() == (Decimal("2000.00"), [Decimal("120.00"), Decimal("250.00")], [])
    assert set(ChangeRequest.objects.values_list("state", flat=True)) == {ChangeState.APPLIED}


def test_direct_money_writes_are_refused_while_four_eyes_is_on(staff):
    commitment = CommitmentFactory(amount=Decimal("100.00"))

    with pytest.raises(DomainError) as refused:
        record_disbursement(
            actor=staff,
            commitment_id=commitment.pk,
            amount=Decimal("1.00"),
            disbursed_on=date(2026, 1, 5),
            reference="X",
        )

    assert refused.value.code == ErrorCode.APPROVAL_REQUIRED and Disbursement.objects.count() == 0


def test_with_four_eyes_off_a_money_write_applies_at_once(settings, staff):
    settings.FOUR_EYES_MONEY = False
    commitment = CommitmentFactory(amount=Decimal("100.00"))

    submitted = submit_money_change(
        actor=staff,
        target=ChangeTarget.DISBURSEMENT,
        operation=ChangeOperation.CREATE,
        changes={"commitment_id": commitment.pk, "amount": Decimal("7.00"), "disbursed_on": date(2026, 1, 5)}
        | {"reference": "P-7"},
    )

    assert submitted.change_request is None and submitted.record.amount == Decimal("7.00")
    assert ChangeRequest.objects.count() == 0


def test_a_staff_user_verifies_a_reported_figure_once(staff, partner):
    disbursement = DisbursementFactory()

    with pytest.raises(DomainError) as partner_refused:
        verify_disbursement(actor=partner, disbursement_id=disbursement.pk)
    verified = verify_disbursement(actor=staff, disbursement_id=disbursement.pk)

    assert partner_refused.value.code == ErrorCode.PERMISSION_DENIED
    assert verified.verified_by == staff.user and verified.is_verified


@pytest.mark.postgres
def test_two_approvers_racing_on_one_request_apply_it_once(transactional_db):
    from tests.factories import StaffUserFactory

    author, first, second = (Actor(user=StaffUserFactory(username=name)) for name in ("author", "ann", "bob"))
    commitment = CommitmentFactory(amount=Decimal("100.00"))
    request = propose_disbursement(author, commitment, amount="60.00")

    outcomes = run_at_once(
        lambda: approve_change(actor=first, change_request_id=request.pk),
        lambda: approve_change(actor=second, change_request_id=request.pk),
    )

    refusals = [outcome for outcome in outcomes if isinstance(outcome, DomainError)]
    assert [refusal.code for refusal in refusals] == [ErrorCode.ALREADY_DECIDED]
    assert list(Disbursement.objects.values_list("amount", flat=True)) == [Decimal("60.00")]
    request.refresh_from_db()
    assert request.state == ChangeState.APPLIED
