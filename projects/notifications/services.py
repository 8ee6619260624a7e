"""Writes on contacts and recipients' preferences."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from projects.actors import Actor
from projects.errors import DomainError, ErrorCode
from projects.models import Organization
from projects.notifications.models import Contact, DigestFrequency, Recipient, ReminderRule
from projects.services.service import delete_checked, require_staff, save_validated, service, validation_failure


@service
def add_contact(
    *, actor: Actor, organization_id: int, name: str, email: str, digest_frequency: str = DigestFrequency.WEEKLY
) -> Contact:
    """A contact hears about every agreement their organisation is party to, from the next run on."""
    require_staff(actor, "add contacts")
    contact = Contact(organization=Organization.objects.get(pk=organization_id), name=name, email=email)
    save_validated(contact)
    recipient = Recipient(contact=contact, digest_frequency=digest_frequency)
    save_validated(recipient)
    return contact


def give_users_preferences(user_ids: Iterable[int | None]) -> None:
    """Default preferences (weekly digest, reminders on) for users who have something to hear about and none yet.

    Called by the planning services, in their transaction, for the users they are about to address:
    programme managers and milestone owners need no step of their own to start hearing about their work.
    """
    Recipient.objects.bulk_create([Recipient(user_id=pk) for pk in set(user_ids) if pk], ignore_conflicts=True)


@service
def delete_contact(*, actor: Actor, contact_id: int) -> None:
    """The contact hears nothing more; their preferences and delivery log go with them."""
    require_staff(actor, "remove contacts")
    delete_checked(Contact, contact_id, None)


@service
def set_preferences(
    *,
    actor: Actor,
    recipient_id: int,
    digest_frequency: str | None = None,
    reminders_enabled: bool | None = None,
    language: str | None = None,
) -> Recipient:
    """Staff change anyone's preferences; a user their own (contacts use the links in their e-mails)."""
    recipient = Recipient.objects.select_for_update().get(pk=recipient_id)
    return change_preferences(
        actor, recipient, digest_frequency=digest_frequency, reminders_enabled=reminders_enabled, language=language
    )


@service
def set_language_preference(*, actor: Actor, user_id: int, language: str) -> Recipient:
    """A user's choice from the language switch: their pages and their e-mails from now on."""
    recipient, _created = Recipient.objects.select_for_update().get_or_create(user_id=user_id)
    return change_preferences(actor, recipient, language=language)


def change_preferences(
    actor: Actor,
    recipient: Recipient,
    *,
    digest_frequency: str | None = None,
    reminders_enabled: bool | None = None,
    language: str | None = None,
) -> Recipient:
    """The checks and the write both services above share, on a recipient row they have locked."""
    if not actor.is_staff and not (actor.user is not None and actor.user.pk == recipient.user_id):
        raise DomainError(ErrorCode.PERMISSION_DENIED, _("You can only change your own e-mail preferences."))
    changed = []
    if digest_frequency is not None and digest_frequency != recipient.digest_frequency:
        recipient.digest_frequency = digest_frequency
        changed.append("digest_frequency")
    if reminders_enabled is not None and reminders_enabled != recipient.reminders_enabled:
        recipient.reminders_enabled = reminders_enabled
        changed.append("reminders_enabled")
    if language is not None and language != recipient.language:
        recipient.language = language
        changed.append("language")
    if changed:
        try:
            recipient.full_clean()
        except ValidationError as exc:
            raise validation_failure(exc) from exc
        recipient.save(update_fields=changed)
    return recipient


@service
def save_reminder_rule(*, actor: Actor, rule_id: int | None = None, kind: str, days: int, active: bool) -> ReminderRule:
    """Staff decide when reminders go out for everyone; the next planning run uses the rules as they stand."""
    require_staff(actor, "change reminder rules")
    rule = ReminderRule() if rule_id is None else ReminderRule.objects.select_for_update().get(pk=rule_id)
    rule.kind, rule.days, rule.active = kind, days, active
    save_validated(rule)
    return rule


@service
def delete_reminder_rule(*, actor: Actor, rule_id: int) -> None:
    """Reminders already sent under the rule stay in the delivery log."""
    require_staff(actor, "remove reminder rules")
    delete_checked(ReminderRule, rule_id, None)


def unsubscribe(*, recipient_id: int, topic: str) -> Recipient:
    """What a signed unsubscribe link does: turn one topic off (idempotent, so a second click is harmless)."""
    if topic == "digest":
        return set_preferences(actor=Actor.system(), recipient_id=recipient_id, digest_frequency=DigestFrequency.OFF)
    return set_preferences(actor=Actor.system(), recipient_id=recipient_id, reminders_enabled=False)
