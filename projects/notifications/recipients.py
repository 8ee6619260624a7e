"""Who hears about an agreement: its programme manager, its milestone owners and its parties' contacts.

Reads only: recipients' rows are written by the planning services (`services.give_users_preferences`)
and by `services.add_contact`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet

from projects.models import Agreement, AgreementParty, Milestone
from projects.notifications.models import Recipient


def involved_user_ids() -> set[int]:
    """Users with an e-mail address who manage an agreement or own a milestone.

    Each user is looked up in the two foreign-key indexes (EXISTS): joining the agreements and milestones
    and keeping distinct users read every milestone (a second for 100,000).
    """
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    managing = Exists(Agreement.objects.filter(programme_manager=OuterRef("pk")))
    owning = Exists(Milestone.objects.filter(owner=OuterRef("pk")))
    return set(users.filter(managing | owning).values_list("pk", flat=True))


def addressable(recipients: QuerySet) -> QuerySet:
    """Recipients with an e-mail address (users of active accounts), with what naming them needs."""
    return (
        recipients.select_related("user", "contact")
        .filter(Q(contact__isnull=False) | Q(user__is_active=True))
        .exclude(user__email="")
    )


def agreements_by_recipient(recipients: Iterable[Recipient]) -> dict[int, set[int]]:
    """Each recipient's agreement ids: managed or with a milestone they own (users), or party to (contacts).

    Three queries for any number of recipients, each on its own foreign-key index (an OR across the
    milestone join would scan every milestone).
    """
    recipients = list(recipients)
    by_user = {r.user_id: r.pk for r in recipients if r.user_id}
    by_organization = defaultdict(list)
    for recipient in recipients:
        if recipient.contact_id:
            by_organization[recipient.contact.organization_id].append(recipient.pk)
    result: dict[int, set[int]] = {r.pk: set() for r in recipients}
    if by_user:
        managed = Agreement.objects.filter(programme_manager_id__in=by_user).values_list("programme_manager_id", "pk")
        owned = Milestone.objects.filter(owner_id__in=by_user).values_list("owner_id", "agreement_id")
        managed, owned = managed.order_by(), owned.order_by().distinct()
        for user_id, agreement_id in (*managed, *owned):
            result[by_user[user_id]].add(agreement_id)
    if by_organization:
        parties = AgreementParty.objects.filter(organization_id__in=by_organization)
        for organization_id, agreement_id in (
            parties.values_list("organization_id", "agreement_id").order_by().distinct()
        ):
            for recipient_id in by_organization[organization_id]:
                result[recipient_id].add(agreement_id)
    return result


def milestone_recipients(milestones: Iterable[Milestone]) -> dict[int, list[Recipient]]:
    """Who is reminded of each milestone: the agreement's manager, the owner, the responsible organisation's contacts.

    Other parties (funders, observers) follow milestones in their digest instead; a reminder asks for action.
    Recipients who turned reminders off are left out, and so are users without preferences yet (the
    planning service gives them theirs first). One query, whatever the number of milestones.
    """
    milestones = list(milestones)
    user_ids = {m.agreement.programme_manager_id for m in milestones} | {m.owner_id for m in milestones}
    user_ids.discard(None)
    organization_ids = {m.responsible_id for m in milestones}
    candidates = addressable(
        Recipient.objects.filter(reminders_enabled=True).filter(
            Q(user_id__in=user_ids) | Q(contact__organization_id__in=organization_ids)
        )
    )
    by_user, by_organization = {}, defaultdict(list)
    for recipient in candidates:
        if recipient.user_id:
            by_user[recipient.user_id] = recipient
        else:
            by_organization[recipient.contact.organization_id].append(recipient)
    result = {}
    for milestone in milestones:
        people = [by_user.get(milestone.agreement.programme_manager_id), by_user.get(milestone.owner_id)]
        people += by_organization[milestone.responsible_id]
        result[milestone.pk] = list({r.pk: r for r in people if r is not None}.values())
    return result
