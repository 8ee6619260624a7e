"""Four-eyes approval of money: propose a change, then a second programme manager applies or rejects it.

Every money write goes through `submit_money_change`: with `FOUR_EYES_MONEY` on it becomes a pending
`ChangeRequest`; off, it is applied at once. Approval applies the request through the same funding and
agreement services as a direct write, at approval time, so their rules hold then; a change that became
invalid meanwhile is refused and the request recorded as failed, with why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.actors import Actor
from projects.attribution import explained
from projects.choices import ChangeOperation, ChangeState, ChangeTarget
from projects.errors import DomainError, ErrorCode
from projects.models import Agreement, ChangeRequest, Disbursement, FundingCommitment
from projects.services import agreements, funding
from projects.services.four_eyes import applying_change_request, four_eyes_on
from projects.services.service import nested, require_staff, save_validated, service
from projects.webhooks.choices import EventType
from projects.webhooks.events import emit

# How each proposed field is kept in JSON and read back: money and rates as decimal strings, days ISO.
FIELD_TYPES = {
    "amount": Decimal,
    "budget": Decimal,
    "exchange_rate": Decimal,
    "pledged_on": date.fromisoformat,
    "disbursed_on": date.fromisoformat,
    "funder_id": int,
    "commitment_id": int,
    "tranche_id": int,
    "currency": str,
    "status": str,
    "reference": str,
    "source": str,
}
SNAPSHOT = {
    ChangeTarget.COMMITMENT: ("funder_id", "amount", "currency", "status", "pledged_on", "reference", "source"),
    ChangeTarget.DISBURSEMENT: ("commitment_id", "tranche_id", "amount", "disbursed_on", "reference", "source"),
    ChangeTarget.AGREEMENT_BUDGET: ("budget",),
}
ALLOWED = {
    (ChangeTarget.COMMITMENT, ChangeOperation.CREATE),
    (ChangeTarget.COMMITMENT, ChangeOperation.CHANGE),
    (ChangeTarget.COMMITMENT, ChangeOperation.DELETE),
    (ChangeTarget.DISBURSEMENT, ChangeOperation.CREATE),
    (ChangeTarget.DISBURSEMENT, ChangeOperation.DELETE),
    (ChangeTarget.AGREEMENT_BUDGET, ChangeOperation.CHANGE),
}


@dataclass(frozen=True)
class Submitted:
    """What a money write did: proposed a change request (four-eyes on), wrote the record (off), or nothing."""

    change_request: ChangeRequest | None = None
    record: models.Model | None = None

    @property
    def result(self) -> ChangeRequest | models.Model | None:
        """What the caller shows: the pending request if there is one, else the record written."""
        return self.change_request or self.record


def encode(values: dict) -> dict:
    def plain(value):
        if isinstance(value, Decimal):
            return str(value)
        if isinstance(value, date):
            return value.isoformat()
        return value

    return {name: plain(value) for name, value in values.items() if value is not None}


def decode(values: dict) -> dict:
    return {name: FIELD_TYPES[name](value) for name, value in values.items()}


def author_of(change_request: ChangeRequest) -> Actor:
    return Actor(user=change_request.author_user, organization=change_request.author_organization)


def _record(target: str, record_id: int | None) -> models.Model | None:
    if record_id is None or target == ChangeTarget.AGREEMENT_BUDGET:
        return None
    model = FundingCommitment if target == ChangeTarget.COMMITMENT else Disbursement
    return model.objects.select_related("commitment" if model is Disbursement else "agreement").get(pk=record_id)


def _apply(change_request: ChangeRequest, actor: Actor) -> models.Model | None:
    """Run the request's change through the money service that writes it directly; return the new record."""
    values = decode(change_request.proposed)
    target, operation = change_request.target, change_request.operation
    expected = change_request.base_version
    gone = change_request.commitment_id is None and change_request.disbursement_id is None
    if operation != ChangeOperation.CREATE and target != ChangeTarget.AGREEMENT_BUDGET and gone:
        raise DomainError(ErrorCode.CONFLICT, _("The record this request changes no longer exists."))
    with applying_change_request(), nested():
        if (target, operation) == (ChangeTarget.COMMITMENT, ChangeOperation.CREATE):
            return funding.record_commitment(
                actor=actor, agreement_id=change_request.agreement_id, reported_by=author_of(change_request), **values
            )
        if (target, operation) == (ChangeTarget.COMMITMENT, ChangeOperation.CHANGE):
            funding.update_commitment(
                actor=actor, commitment_id=change_request.commitment_id, expected_updated_at=expected, **values
            )
        elif (target, operation) == (ChangeTarget.COMMITMENT, ChangeOperation.DELETE):
            funding.delete_commitment(
                actor=actor, commitment_id=change_request.commitment_id, expected_updated_at=expected
            )
        elif (target, operation) == (ChangeTarget.DISBURSEMENT, ChangeOperation.CREATE):
            return funding.record_disbursement(actor=actor, reported_by=author_of(change_request), **values)
        elif (target, operation) == (ChangeTarget.DISBURSEMENT, ChangeOperation.DELETE):
            funding.delete_disbursement(
                actor=actor, disbursement_id=change_request.disbursement_id, expected_updated_at=expected
            )
        else:
            agreements.update_agreement(actor=actor, agreement_id=change_request.agreement_id, **values)
    return None


def _link(change_request: ChangeRequest, created: models.Model | None) -> None:
    if isinstance(created, FundingCommitment):
        change_request.commitment = created
    elif isinstance(created, Disbursement):
        change_request.disbursement = created


class NothingToChange(DomainError):
    """A proposed change equal to what is stored: there is nothing to approve."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(ErrorCode.INVALID, message, field=field)


class _TrialRun(Exception):
    """Undoes a trial application of a proposal: it only checks the change would be accepted now."""


@service
def propose_change(
    *,
    actor: Actor,
    target: str,
    operation: str,
    reason: str,
    changes: dict | None = None,
    record_id: int | None = None,
    agreement_id: int | None = None,
    expected_updated_at: datetime | None = None,
) -> ChangeRequest:
    """Hold a money change for a second programme manager's approval; nothing changes yet.

    The change is tried now (and undone), so the author hears at once what the rules refuse;
    `record_id` names the commitment or disbursement changed, `agreement_id` the agreement of a
    new commitment or of a budget change.
    """
    if (target, operation) not in ALLOWED:
        raise DomainError(ErrorCode.INVALID, _("This money change cannot be proposed."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(ErrorCode.INVALID, _("Say why this change is needed."), field="reason")
    changes = dict(changes or {})
    record = _record(target, record_id)
    change_request = ChangeRequest(
        target=target,
        operation=operation,
        reason=reason,
        author_user=actor.user,
        author_organization=actor.organization,
        proposed=encode(changes),
    )
    if target == ChangeTarget.AGREEMENT_BUDGET:
        agreement = Agreement.objects.get(pk=agreement_id)
        change_request.before = encode({"budget": agreement.budget})
        if changes.get("budget") == agreement.budget:
            raise NothingToChange(_("The budget is already this amount."), field="budget")
    elif record is not None:
        agreement = record.agreement if target == ChangeTarget.COMMITMENT else record.commitment.agreement
        change_request.before = encode({name: getattr(record, name) for name in SNAPSHOT[target]})
        change_request.base_version = expected_updated_at or record.updated_at
        _link(change_request, record)
        if operation == ChangeOperation.CHANGE:
            before = change_request.before
            change_request.proposed = {
                name: value for name, value in change_request.proposed.items() if before.get(name) != value
            }
            if not change_request.proposed:
                raise NothingToChange(_("Nothing would change."))
    elif target == ChangeTarget.DISBURSEMENT:
        agreement = FundingCommitment.objects.get(pk=changes["commitment_id"]).agreement
    else:
        agreement = Agreement.objects.get(pk=agreement_id)
    change_request.agreement = agreement
    try:
        with transaction.atomic():
            _apply(change_request, actor)
            raise _TrialRun
    except _TrialRun:
        pass
    save_validated(change_request)
    emit(EventType.CHANGE_REQUEST_CREATED, change_request.pk)
    return change_request


def submit_money_change(*, actor: Actor, **proposal) -> Submitted:
    """The one way UI, API, admin and import write money: a change request, or the write itself when
    four-eyes control is off (a deployment with a single programme manager)."""
    if not four_eyes_on():
        return Submitted(record=_apply_directly(actor=actor, **proposal))
    try:
        return Submitted(change_request=propose_change(actor=actor, **proposal))
    except NothingToChange:
        return Submitted()  # as a direct write that changes nothing: no request, no error


@service
def _apply_directly(
    *,
    actor: Actor,
    target: str,
    operation: str,
    reason: str = "",
    changes: dict | None = None,
    record_id: int | None = None,
    agreement_id: int | None = None,
    expected_updated_at: datetime | None = None,
) -> models.Model | None:
    change_request = ChangeRequest(
        target=target,
        operation=operation,
        agreement_id=agreement_id,
        proposed=encode(changes or {}),
        base_version=expected_updated_at,
        author_user=actor.user,
        author_organization=actor.organization,
    )
    if target == ChangeTarget.COMMITMENT:
        change_request.commitment_id = record_id
    elif target == ChangeTarget.DISBURSEMENT:
        change_request.disbursement_id = record_id
    return _apply(change_request, actor)


def _locked_pending(actor: Actor, change_request_id: int, doing: str) -> ChangeRequest:
    require_staff(actor, doing)
    # Lock the request: two approvers at once must not both apply it.
    change_request = ChangeRequest.objects.select_for_update().get(pk=change_request_id)
    if change_request.state != ChangeState.PENDING:
        raise DomainError(
            ErrorCode.ALREADY_DECIDED,
            _("This change request was already decided: %(state)s.") % {"state": change_request.get_state_display()},
        )
    if actor.user is not None and actor.user.pk == change_request.author_user_id:
        raise DomainError(ErrorCode.SELF_APPROVAL, _("A second programme manager must decide your own change request."))
    return change_request


def _decide(change_request: ChangeRequest, actor: Actor, state: str, note: str = "") -> None:
    change_request.state, change_request.decision_note = state, note
    change_request.decided_by, change_request.decided_at = actor.user, timezone.now()
    save_validated(change_request)
    emit(EventType.CHANGE_REQUEST_DECIDED, change_request.pk)


@service
def _approve(*, actor: Actor, change_request_id: int) -> ChangeRequest:
    change_request = _locked_pending(actor, change_request_id, "approve money changes")
    story = _("Change request #%(pk)s by %(author)s, approved by %(approver)s") % {
        "pk": change_request.pk,
        "author": author_of(change_request),
        "approver": actor,
    }
    try:
        with transaction.atomic(), explained(story):
            created = _apply(change_request, actor)
    except DomainError as refusal:
        _decide(change_request, actor, ChangeState.FAILED, refusal.message)
        return change_request
    except (FundingCommitment.DoesNotExist, Disbursement.DoesNotExist):
        _decide(change_request, actor, ChangeState.FAILED, _("The record this request changes no longer exists."))
        return change_request
    _link(change_request, created)
    if change_request.operation == ChangeOperation.DELETE:  # the database has let go of the deleted record
        change_request.commitment = change_request.disbursement = None
    with explained(story):
        _decide(change_request, actor, ChangeState.APPLIED)
    return change_request


def approve_change(*, actor: Actor, change_request_id: int) -> ChangeRequest:
    """Apply a pending request as a programme manager other than its author, in one transaction.

    If the change is no longer valid, the request is recorded as failed with the reason (that is
    kept) and then the refusal is raised (`CHANGE_FAILED`).
    """
    change_request = _approve(actor=actor, change_request_id=change_request_id)
    if change_request.state == ChangeState.FAILED:
        raise DomainError(ErrorCode.CHANGE_FAILED, change_request.decision_note)
    return change_request


@service
def reject_change(*, actor: Actor, change_request_id: int, reason: str) -> ChangeRequest:
    """Turn a pending request down, saying why; its author cannot reject it either (they withdraw nothing)."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(ErrorCode.INVALID, _("Say why the change is rejected."), field="reason")
    change_request = _locked_pending(actor, change_request_id, "reject money changes")
    _decide(change_request, actor, ChangeState.REJECTED, reason)
    return change_request


@service
def change_agreement(
    *,
    actor: Actor,
    agreement_id: int,
    expected_updated_at: datetime | None = None,
    reason: str = "",
    **changes,
) -> Submitted:
    """Change an agreement's terms at once, except a new budget, which is proposed for approval
    when four-eyes control is on. One transaction: if either part is refused, neither happens."""
    budget = changes.pop("budget", None)
    proposal = None
    with nested():
        if budget is not None and four_eyes_on():
            if budget != Agreement.objects.get(pk=agreement_id).budget:
                proposal = propose_change(
                    actor=actor,
                    target=ChangeTarget.AGREEMENT_BUDGET,
                    operation=ChangeOperation.CHANGE,
                    agreement_id=agreement_id,
                    changes={"budget": budget},
                    reason=reason,
                )
        elif budget is not None:
            changes["budget"] = budget
        agreement = agreements.update_agreement(
            actor=actor, agreement_id=agreement_id, expected_updated_at=expected_updated_at, **changes
        )
    return Submitted(change_request=proposal, record=agreement)
