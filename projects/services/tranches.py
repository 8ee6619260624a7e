"""Tranches of a commitment: planned, released by a programme manager once their milestone is done, paid within.

The rules that span rows (tranches within their commitment, payments within their tranche) are checked
under the commitment's row lock, which every write on its tranches and disbursements takes first: two
writers at once are serialised there, so neither can pass a check the other's write would fail.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.actors import Actor
from projects.choices import CommitmentStatus, MilestoneStatus
from projects.errors import DomainError, ErrorCode
from projects.models import Disbursement, FundingCommitment, Milestone, Tranche
from projects.services.service import delete_checked, require_staff, save_validated, service

ZERO = Decimal("0")


@service
def add_tranche(
    *, actor: Actor, commitment_id: int, amount: Decimal, planned_on: date, milestone_id: int | None = None
) -> Tranche:
    """A part of a commitment; all its parts together never exceed it."""
    require_staff(actor, _("plan tranches"))
    commitment = FundingCommitment.objects.select_for_update().get(pk=commitment_id)
    if commitment.status == CommitmentStatus.CANCELLED:
        raise DomainError(ErrorCode.INVALID, _("A cancelled commitment has no tranches."), field="commitment")
    if commitment.disbursements.filter(tranche__isnull=True).exists():
        raise DomainError(
            ErrorCode.CONFLICT,
            _("Money was paid against this commitment without tranches; it cannot be split any more."),
        )
    milestone = None
    if milestone_id is not None:
        milestone = Milestone.objects.filter(pk=milestone_id, agreement_id=commitment.agreement_id).first()
        if milestone is None:
            raise DomainError(
                ErrorCode.INVALID, _("Choose a milestone of the commitment's agreement."), field="milestone"
            )
    if amount is not None and amount > 0:
        check_tranches_fit(commitment, commitment.amount, adding=amount)
    tranche = Tranche(commitment=commitment, amount=amount, planned_on=planned_on, milestone=milestone)
    save_validated(tranche)
    return tranche


def check_tranches_fit(commitment: FundingCommitment, amount: Decimal, *, adding: Decimal = ZERO) -> None:
    """The commitment's tranches (with one being added) fit within `amount`; call it holding the commitment's lock."""
    planned = commitment.tranches.aggregate(total=Sum("amount"))["total"] or ZERO
    if planned + adding > amount:
        raise DomainError(
            ErrorCode.OVER_DISBURSED,
            _("The tranches would add up to more than the commitment: %(free)s %(currency)s are left to plan.")
            % {"free": max(amount - planned, ZERO), "currency": commitment.currency},
            field="amount",
        )


@service
def release_tranche(*, actor: Actor, tranche_id: int) -> Tranche:
    """A programme manager releases a tranche for payment; one waiting on a milestone only once it is done."""
    require_staff(actor, _("release tranches"))
    tranche = Tranche.objects.select_for_update(of=("self",)).select_related("milestone").get(pk=tranche_id)
    if tranche.is_released:
        raise DomainError(ErrorCode.CONFLICT, _("This tranche was released already."))
    if tranche.milestone is not None and tranche.milestone.status != MilestoneStatus.DONE:
        raise DomainError(
            ErrorCode.INVALID,
            _("This tranche waits for the milestone “%(title)s”, which is not done yet.")
            % {"title": tranche.milestone.title},
            field="milestone",
        )
    if actor.user is None:
        raise DomainError(ErrorCode.PERMISSION_DENIED, _("A tranche is released by a programme manager in person."))
    tranche.released_at, tranche.released_by = timezone.now(), actor.user
    save_validated(tranche, update_fields=["released_at", "released_by"])
    return tranche


@service
def delete_tranche(*, actor: Actor, tranche_id: int) -> None:
    """Only a tranche nothing was paid from can go."""
    require_staff(actor, _("delete tranches"))
    commitment_id = Tranche.objects.values_list("commitment_id", flat=True).get(pk=tranche_id)
    FundingCommitment.objects.select_for_update().get(pk=commitment_id)
    delete_checked(Tranche, tranche_id, None)


def tranche_to_pay(commitment: FundingCommitment, tranche_id: int | None, amount: Decimal | None) -> Tranche | None:
    """The tranche a payment of `amount` comes from, checked: released, of this commitment, not exceeded.

    A commitment without tranches takes payments with no tranche. Call it holding the commitment's lock.
    """
    if tranche_id is None:
        if commitment.tranches.exists():
            raise DomainError(
                ErrorCode.INVALID, _("This commitment is paid in tranches: choose a released one."), field="tranche"
            )
        return None
    tranche = commitment.tranches.filter(pk=tranche_id).first()
    if tranche is None:
        raise DomainError(ErrorCode.INVALID, _("Choose a tranche of this commitment."), field="tranche")
    if not tranche.is_released:
        raise DomainError(ErrorCode.INVALID, _("This tranche is not released yet."), field="tranche")
    paid = Disbursement.objects.filter(tranche=tranche).aggregate(total=Sum("amount"))["total"] or ZERO
    if amount is not None and paid + amount > tranche.amount:
        raise DomainError(
            ErrorCode.OVER_DISBURSED,
            _("This exceeds the tranche: %(left)s %(currency)s remain to be disbursed from it.")
            % {"left": tranche.amount - paid, "currency": commitment.currency},
            field="amount",
        )
    return tranche
