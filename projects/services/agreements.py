"""Creating and changing agreements, their status and their parties."""

from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from projects.actors import Actor
from projects.choices import AGREEMENT_TRANSITIONS, AgreementStatus, PartyRole
from projects.errors import DomainError, ErrorCode
from projects.models import Agreement, AgreementParty, Capability, Organization, StatusChange
from projects.services.currencies import require_rate
from projects.services.four_eyes import require_approval
from projects.services.service import (
    apply_changes,
    check_unchanged,
    delete_checked,
    reject_unknown,
    require_staff,
    save_validated,
    service,
)
from projects.webhooks.choices import EventType
from projects.webhooks.events import emit

EDITABLE_FIELDS = frozenset(
    {
        "reference",
        "title",
        "title_uk",
        "summary",
        "kind",
        "signed_on",
        "starts_on",
        "ends_on",
        "currency",
        "budget",
        "programme_manager",
    }
)


@service
def create_agreement(
    *,
    actor: Actor,
    reference: str,
    title: str,
    kind: str,
    currency: str,
    budget: Decimal,
    capabilities: list[Capability] | None = None,
    exchange_rate: Decimal | None = None,
    **fields,
) -> Agreement:
    """A new agreement starts as a draft; its status then moves only through `transition_agreement`.

    Its currency needs a rate to the base currency; `exchange_rate` gives today's for a new currency.
    """
    require_staff(actor, "create agreements")
    reject_unknown(fields, EDITABLE_FIELDS)
    agreement = Agreement(reference=reference, title=title, kind=kind, currency=currency, budget=budget, **fields)
    save_validated(agreement)
    require_rate(agreement.currency, exchange_rate, entering="agreement")
    if capabilities:
        agreement.capabilities.set(capabilities)
    return agreement


@service
def update_agreement(
    *,
    actor: Actor,
    agreement_id: int,
    expected_updated_at: datetime | None = None,
    capabilities: list[Capability] | None = None,
    exchange_rate: Decimal | None = None,
    **changes,
) -> Agreement:
    """Change an agreement's terms; a new currency needs a rate, as for `create_agreement`."""
    require_staff(actor, "edit agreements")
    agreement = Agreement.objects.select_for_update().get(pk=agreement_id)
    check_unchanged(agreement, expected_updated_at)
    if "budget" in changes and changes["budget"] != agreement.budget:
        require_approval(actor)
    changed = apply_changes(agreement, changes, EDITABLE_FIELDS)
    if changed:
        save_validated(agreement, update_fields=changed)
    if "currency" in changed or exchange_rate is not None:
        require_rate(agreement.currency, exchange_rate, entering="agreement")
    if capabilities is not None and set(capabilities) != set(agreement.capabilities.all()):
        agreement.capabilities.set(capabilities)
        agreement.save(update_fields=["updated_at"])
        changed.append("capabilities")
    emit(EventType.AGREEMENT_UPDATED, agreement.pk, changed=changed)
    return agreement


@service
def transition_agreement(
    *,
    actor: Actor,
    agreement_id: int,
    to_status: str,
    reason: str,
    effective_on: date | None = None,
    expected_updated_at: datetime | None = None,
) -> StatusChange:
    """Move an agreement along its lifecycle, recording who moved it, when and why.

    Signing without a known signing date takes `effective_on` (default today) as that date.
    """
    require_staff(actor, "change an agreement's status")
    if to_status not in AgreementStatus.values:
        raise DomainError(ErrorCode.INVALID, _("Unknown status %(status)r.") % {"status": to_status}, field="to_status")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(ErrorCode.INVALID, _("Give a reason for the status change."), field="reason")
    agreement = Agreement.objects.select_for_update().get(pk=agreement_id)
    check_unchanged(agreement, expected_updated_at)
    if to_status not in AGREEMENT_TRANSITIONS[agreement.status]:
        allowed = ", ".join(agreement.allowed_transitions()) or _("none (it is final)")
        raise DomainError(
            ErrorCode.TRANSITION_NOT_ALLOWED,
            _("An agreement cannot move from %(old)s to %(new)s; allowed: %(allowed)s.")
            % {"old": agreement.status, "new": to_status, "allowed": allowed},
            field="to_status",
        )
    change = StatusChange(
        agreement=agreement,
        from_status=agreement.status,
        to_status=to_status,
        reason=reason,
        changed_at=timezone.now(),
        changed_by=actor.user,
        changed_by_organization=actor.organization,
    )
    agreement.status = to_status
    changed = ["status"]
    if to_status == AgreementStatus.SIGNED and agreement.signed_on is None:
        agreement.signed_on = effective_on or timezone.localdate()
        changed.append("signed_on")
    agreement._change_reason = reason
    save_validated(agreement, update_fields=changed)
    change.save()
    emit(EventType.AGREEMENT_STATUS_CHANGED, change.pk)
    return change


@service
def add_party(*, actor: Actor, agreement_id: int, organization_id: int, role: str) -> AgreementParty:
    require_staff(actor, "change an agreement's parties")
    agreement = Agreement.objects.get(pk=agreement_id)
    party = AgreementParty(agreement=agreement, organization=Organization.objects.get(pk=organization_id), role=role)
    save_validated(party)
    touch_agreement(agreement.pk)
    return party


@service
def remove_party(*, actor: Actor, party_id: int) -> None:
    """Remove one role; an organisation's last role goes only if nothing on the agreement depends on it."""
    require_staff(actor, "change an agreement's parties")
    party = AgreementParty.objects.select_related("agreement", "organization").get(pk=party_id)
    agreement, organization = party.agreement, party.organization
    other_roles = agreement.parties.filter(organization=organization).exclude(pk=party.pk)
    if not other_roles.exists():
        if agreement.milestones.filter(responsible=organization).exists():
            raise DomainError(
                ErrorCode.CONFLICT,
                _("%(organization)s is responsible for milestones of this agreement; reassign them first.")
                % {"organization": organization},
            )
        if agreement.commitments.filter(funder=organization).exists():
            raise DomainError(
                ErrorCode.CONFLICT,
                _("%(organization)s has funding commitments on this agreement; it stays a party.")
                % {"organization": organization},
            )
    elif party.role == PartyRole.FUNDER and agreement.commitments.filter(funder=organization).exists():
        raise DomainError(
            ErrorCode.CONFLICT,
            _("%(organization)s has funding commitments; it keeps the funder role.") % {"organization": organization},
        )
    party.delete()
    touch_agreement(agreement.pk)


def touch_agreement(agreement_id: int) -> None:
    """Parties are part of an agreement as clients see it (its ETag, `updated_after` sync), so a change to
    them moves the agreement's `updated_at`. The party's own history row records the change; a moved
    timestamp alone is not history, hence the queryset update."""
    Agreement.objects.filter(pk=agreement_id).update(updated_at=timezone.now())
    emit(EventType.AGREEMENT_UPDATED, agreement_id)


@service
def delete_agreement(*, actor: Actor, agreement_id: int, expected_updated_at: datetime | None = None) -> None:
    """Deleting takes the agreement's parties, milestones, reports and undisbursed commitments with it.

    Paid money is a record that must stay: an agreement with disbursements cannot be deleted.
    """
    require_staff(actor, "delete agreements")
    delete_checked(Agreement, agreement_id, expected_updated_at)
