"""Funding: commitments and their status, disbursements against them, exchange rates."""

from datetime import date, datetime
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.actors import Actor
from projects.choices import COMMITMENT_TRANSITIONS, CommitmentStatus, PartyRole
from projects.errors import DomainError, ErrorCode
from projects.models import (
    Agreement,
    AgreementParty,
    Disbursement,
    ExchangeRate,
    FundingCommitment,
    Organization,
)
from projects.services.agreements import touch_agreement
from projects.services.currencies import record_rate, require_rate
from projects.services.four_eyes import require_approval
from projects.services.service import (
    apply_changes,
    check_unchanged,
    delete_checked,
    require_staff,
    save_validated,
    service,
)
from projects.services.tranches import check_tranches_fit, tranche_to_pay
from projects.webhooks.choices import EventType
from projects.webhooks.events import emit

COMMITMENT_EDITABLE = frozenset({"amount", "pledged_on", "reference", "status", "source"})


@service
def record_commitment(
    *,
    actor: Actor,
    agreement_id: int,
    funder_id: int,
    amount: Decimal,
    currency: str,
    pledged_on: date,
    status: str = CommitmentStatus.PLEDGED,
    reference: str = "",
    exchange_rate: Decimal | None = None,
    source: str = "",
    reported_by: Actor | None = None,
) -> FundingCommitment:
    """Record a pledge or commitment; the funder becomes a party with the funder role if it is not one.

    Its currency needs a rate to the base currency; `exchange_rate` gives today's for a new currency.
    `reported_by` is who reported the figure (the author of an approved change request), else `actor`.
    """
    require_staff(actor, "record funding commitments")
    require_approval(actor)
    if status == CommitmentStatus.CANCELLED:
        raise DomainError(ErrorCode.INVALID, _("A new commitment cannot start cancelled."), field="status")
    agreement = Agreement.objects.get(pk=agreement_id)
    funder = Organization.objects.get(pk=funder_id)
    commitment = FundingCommitment(
        agreement=agreement,
        funder=funder,
        amount=amount,
        currency=currency,
        status=status,
        pledged_on=pledged_on,
        reference=reference,
        **provenance(source, reported_by or actor),
    )
    save_validated(commitment)
    require_rate(commitment.currency, exchange_rate, entering="commitment")
    if not AgreementParty.objects.filter(agreement=agreement, organization=funder, role=PartyRole.FUNDER).exists():
        save_validated(AgreementParty(agreement=agreement, organization=funder, role=PartyRole.FUNDER))
        touch_agreement(agreement.pk)
    emit(EventType.COMMITMENT_CREATED, commitment.pk)
    return commitment


def provenance(source: str, reporter: Actor) -> dict:
    """Where a new figure comes from and who reported it; it starts unverified."""
    return {"source": source, "reported_by_user": reporter.user, "reported_by_organization": reporter.organization}


def disbursed_total(commitment: FundingCommitment) -> Decimal:
    return commitment.disbursements.aggregate(total=Sum("amount"))["total"] or Decimal("0")


@service
def update_commitment(
    *,
    actor: Actor,
    commitment_id: int,
    expected_updated_at: datetime | None = None,
    status: str | None = None,
    **changes,
) -> FundingCommitment:
    """Change a commitment's terms or status; money already disbursed is never left uncovered."""
    require_staff(actor, "change funding commitments")
    require_approval(actor)
    commitment = FundingCommitment.objects.select_for_update().get(pk=commitment_id)
    check_unchanged(commitment, expected_updated_at)
    if status is not None and status != commitment.status:
        if status not in COMMITMENT_TRANSITIONS[commitment.status]:
            raise DomainError(
                ErrorCode.TRANSITION_NOT_ALLOWED,
                _("A %(old)s commitment cannot become %(new)s.") % {"old": commitment.status, "new": status},
                field="status",
            )
        if status == CommitmentStatus.CANCELLED and commitment.disbursements.exists():
            raise DomainError(
                ErrorCode.COMMITMENT_HAS_DISBURSEMENTS,
                _("Money has been disbursed against this commitment; it cannot be cancelled."),
                field="status",
            )
        changes["status"] = status
    changed = apply_changes(commitment, changes, COMMITMENT_EDITABLE)
    if "amount" in changed and commitment.amount < disbursed_total(commitment):
        raise DomainError(
            ErrorCode.OVER_DISBURSED, _("The amount cannot fall below what has been disbursed."), field="amount"
        )
    if "amount" in changed:
        check_tranches_fit(commitment, commitment.amount)
    if changed:
        save_validated(commitment, update_fields=changed)
    emit(EventType.COMMITMENT_UPDATED, commitment.pk, changed=changed)
    return commitment


@service
def record_disbursement(
    *,
    actor: Actor,
    commitment_id: int,
    amount: Decimal,
    disbursed_on: date,
    reference: str,
    tranche_id: int | None = None,
    source: str = "",
    reported_by: Actor | None = None,
) -> Disbursement:
    """Record money paid against a firm commitment, never beyond it, even under concurrent writers.

    A partner may record disbursements only against its own commitments. A commitment paid in tranches
    is paid from a released tranche, never beyond that tranche either.
    """
    require_approval(actor)
    # Lock the commitment: two payments at once could both pass the ceiling check.
    commitment = FundingCommitment.objects.select_for_update().get(pk=commitment_id)
    if not actor.is_staff and (actor.organization is None or actor.organization.pk != commitment.funder_id):
        raise DomainError(ErrorCode.PERMISSION_DENIED, _("Only the funder can record disbursements of its commitment."))
    if commitment.status != CommitmentStatus.COMMITTED:
        raise DomainError(ErrorCode.NOT_COMMITTED, _("Only committed funds can be disbursed."), field="commitment")
    if amount is not None and disbursed_total(commitment) + amount > commitment.amount:
        remaining = commitment.amount - disbursed_total(commitment)
        raise DomainError(
            ErrorCode.OVER_DISBURSED,
            _("This exceeds the commitment: %(remaining)s %(currency)s remain to be disbursed.")
            % {"remaining": remaining, "currency": commitment.currency},
            field="amount",
        )
    tranche = tranche_to_pay(commitment, tranche_id, amount)
    disbursement = Disbursement(
        commitment=commitment,
        tranche=tranche,
        amount=amount,
        disbursed_on=disbursed_on,
        reference=reference,
        **provenance(source, reported_by or actor),
    )
    save_validated(disbursement)
    emit(EventType.DISBURSEMENT_CREATED, disbursement.pk)
    return disbursement


@service
def set_exchange_rate(*, actor: Actor, currency: str, rate: Decimal, valid_on: date) -> ExchangeRate:
    """Set the rate of a currency for a day, replacing that day's rate if there is one."""
    require_staff(actor, "set exchange rates")
    return record_rate(currency, rate, valid_on)


@service
def update_exchange_rate(
    *, actor: Actor, rate_id: int, rate: Decimal, valid_on: date, expected_updated_at: datetime | None = None
) -> ExchangeRate:
    """Correct a recorded rate or the day it applies from; a currency has one rate per day."""
    require_staff(actor, "change exchange rates")
    exchange_rate = ExchangeRate.objects.select_for_update().get(pk=rate_id)
    check_unchanged(exchange_rate, expected_updated_at)
    same_day = ExchangeRate.objects.filter(currency=exchange_rate.currency, valid_on=valid_on)
    if same_day.exclude(pk=rate_id).exists():
        raise DomainError(
            ErrorCode.DUPLICATE,
            _("%(currency)s already has a rate from %(day)s; change that one instead.")
            % {"currency": exchange_rate.currency, "day": valid_on.isoformat()},
            field="valid_on",
        )
    changed = apply_changes(exchange_rate, {"rate": rate, "valid_on": valid_on}, frozenset({"rate", "valid_on"}))
    if changed:
        save_validated(exchange_rate, update_fields=changed)
    return exchange_rate


@service
def delete_commitment(*, actor: Actor, commitment_id: int, expected_updated_at: datetime | None = None) -> None:
    """Only a commitment nothing was disbursed against can go; otherwise cancel it."""
    require_staff(actor, "delete funding commitments")
    require_approval(actor)
    delete_checked(FundingCommitment, commitment_id, expected_updated_at)


@service
def delete_disbursement(*, actor: Actor, disbursement_id: int, expected_updated_at: datetime | None = None) -> None:
    """Correct a mistaken payment record (programme managers only)."""
    require_staff(actor, "delete disbursements")
    require_approval(actor)
    delete_checked(Disbursement, disbursement_id, expected_updated_at)


@service
def delete_exchange_rate(*, actor: Actor, exchange_rate_id: int) -> None:
    """Remove a mistaken rate; figures on its days then use the rate before it, or report none."""
    require_staff(actor, "delete exchange rates")
    delete_checked(ExchangeRate, exchange_rate_id, None)


def _verify(actor: Actor, model: type[FundingCommitment] | type[Disbursement], pk: int):
    require_staff(actor, "verify figures")
    record = model.objects.select_for_update().get(pk=pk)
    if record.is_verified:
        raise DomainError(ErrorCode.CONFLICT, _("This figure is already verified."))
    record.verified_by, record.verified_at = actor.user, timezone.now()
    save_validated(record, update_fields=["verified_by", "verified_at"])
    return record


@service
def verify_commitment(*, actor: Actor, commitment_id: int) -> FundingCommitment:
    """A programme manager confirms the commitment against its source; it then counts as verified."""
    return _verify(actor, FundingCommitment, commitment_id)


@service
def verify_disbursement(*, actor: Actor, disbursement_id: int) -> Disbursement:
    """A programme manager confirms the payment against its source; it then counts as verified."""
    return _verify(actor, Disbursement, disbursement_id)
