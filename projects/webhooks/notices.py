"""Telling an endpoint's owner by e-mail that it was disabled, once, in the transaction that records it.

Each reader gets the notice in their own language: a partner's contacts are grouped by the language
of their e-mails (one message per group), a programme manager gets it in theirs.
"""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.notifications.emails import moment, site_domain
from projects.notifications.language import language_of, user_language, written_for
from projects.notifications.models import Contact
from projects.webhooks.models import Endpoint


def owner_addresses(endpoint: Endpoint) -> dict[str, list[str]]:
    """The owner's addresses by the language they read: a partner's contacts, or the programme manager."""
    if endpoint.user_id:
        user = endpoint.user
        return {language_of(user_language(user)): [user.email]} if user.email else {}
    by_language = defaultdict(list)
    contacts = Contact.objects.filter(organization_id=endpoint.organization_id).select_related("recipient")
    for contact in contacts.order_by("pk"):
        recipient = getattr(contact, "recipient", None)
        by_language[language_of(recipient.language if recipient else None)].append(f"{contact.name} <{contact.email}>")
    return dict(by_language)


def facts(endpoint: Endpoint) -> list[str]:
    """The endpoint's lines of the notice, the labels padded to one column in the active language."""
    rows = [
        (_("URL"), endpoint.url),
        (_("Description"), endpoint.description or "—"),
        (_("Failing since"), moment(endpoint.failing_since) if endpoint.failing_since else "—"),
        (_("Disabled"), moment(endpoint.disabled_at)),
        (_("Why"), endpoint.disabled_reason),
    ]
    width = max(len(label) for label, _value in rows) + 2
    return [f"{label}:".ljust(width) + value for label, value in rows]


def notice(endpoint: Endpoint, language: str, addresses: list[str]) -> EmailMessage:
    """The notice in one language; its Message-ID is the same on a retry, so a resend can be dropped."""
    with written_for(language):
        context = {"endpoint": endpoint, "facts": facts(endpoint), "site_url": settings.SITE_URL}
        return EmailMessage(
            subject=_("Webhook endpoint disabled: %(url)s") % {"url": endpoint.url},
            body=render_to_string("email/webhook_disabled.txt", context),
            to=addresses,
            headers={
                "Message-ID": f"<webhook-disabled-{endpoint.pk}-{endpoint.disabled_at:%Y%m%d%H%M%S}-{language}"
                f"@{site_domain()}>",
                "Auto-Submitted": "auto-generated",
            },
        )


@transaction.atomic(durable=True)
def tell_owner_disabled(endpoint_id: int) -> str:
    """Send the notice unless it was sent already; mail errors roll back and propagate, so the task retries."""
    endpoint = (
        Endpoint.objects.select_for_update(of=("self",))
        .select_related("organization", "user")
        .filter(pk=endpoint_id, active=False, owner_told_at__isnull=True)
        .first()
    )
    if endpoint is None:
        return "nothing to tell"
    by_language = owner_addresses(endpoint)
    for language, addresses in sorted(by_language.items()):
        notice(endpoint, language, addresses).send()
    endpoint.owner_told_at = timezone.now()
    endpoint.save(update_fields=["owner_told_at"])
    return "told" if by_language else "no address"
