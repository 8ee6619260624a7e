"""Who hears about an agreement: its programme manager, its milestone owners and its parties' contacts."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from projects.models import Agreement, Milestone
from projects.notifications.models import Recipient


def ensure_user_recipients(user_ids: Iterable[int]) -> None:
    """Give every user who should hear something a preferences row (defaults: weekly digest, reminders on)."""
    Recipient.objects.bulk_create([Recipient(user_id=pk) for pk in set(user_ids) if pk], ignore_conflicts=True)


def involved_user_ids() -> set[int]:
    """Users with an e-mail address who manage an agreement or own a milestone."""
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    return set(
        users.filter(Q(managed_agreements__isnull=False) | Q(owned_milestones__isnull=False))
        .values_list("pk", flat=True)
        .distinct()
    )


def addressable(recipients: QuerySet) -> QuerySet:
    """Recipients with an e-mail address (users of active accounts), with what naming them needs."""
    return (
        recipients.select_related("user", "contact")
        .filter(Q(contact__isnull=False) | Q(user__is_active=True))
        .exclude(user__email="")
    )


def recipient_agreements(recipient: Recipient) -> QuerySet:
    """The agreements a recipient hears about: managed or with a milestone they own (users), or party to (contacts)."""
    if recipient.contact_id:
        condition = Q(parties__organization_id=recipient.contact.organization_id)
    else:
        condition = Q(programme_manager_id=recipient.user_id) | Q(milestones__owner_id=recipient.user_id)
    return Agreement.objects.filter(pk__in=Agreement.objects.filter(condition).values("pk"))


def milestone_recipients(milestones: Iterable[Milestone]) -> dict[int, list[Recipient]]:
    """Who is reminded of each milestone: the agreement's manager, the owner, the responsible organisation's contacts.

    Other parties (funders, observers) follow milestones in their digest instead; a reminder asks for action.
    Recipients who turned reminders off are left out. Two queries, whatever the number of milestones.
    """
    milestones = list(milestones)
    user_ids = {m.agreement.programme_manager_id for m in milestones} | {m.owner_id for m in milestones}
    user_ids.discard(None)
    ensure_user_recipients(user_ids)
    organization_ids = {m.responsible_id for m in milestones}
    candidates = addressable(
        Recipient.objects.filter(reminders_enabled=True).filter(
            Q(user_id__in=user_ids) | Q(contact__organization_id__in=organization_ids)
        )
    )
    by_user, by_organization = {}, {}
    for recipient in candidates:
        if recipient.user_id:
            by_user[recipient.user_id] = recipient
        else:
            by_organization.setdefault(recipient.contact.organization_id, []).append(recipient)
    result = {}
    for milestone in milestones:
        people = [by_user.get(milestone.agreement.programme_manager_id), by_user.get(milestone.owner_id)]
        people += by_organization.get(milestone.responsible_id, [])
        result[milestone.pk] = list({r.pk: r for r in people if r is not None}.values())
    return result
