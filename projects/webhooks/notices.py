"""Telling an endpoint's owner by e-mail that it was disabled, once, in the transaction that records it."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from projects.notifications.emails import site_domain
from projects.notifications.models import Contact
from projects.webhooks.models import Endpoint


def owner_addresses(endpoint: Endpoint) -> list[str]:
    """A partner's endpoint: its organisation's contacts; a programme manager's: that manager."""
    if endpoint.user_id:
        return [endpoint.user.email] if endpoint.user.email else []
    contacts = Contact.objects.filter(organization_id=endpoint.organization_id).order_by("pk")
    return [f"{contact.name} <{contact.email}>" for contact in contacts]


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
    addresses = owner_addresses(endpoint)
    if addresses:
        EmailMessage(
            subject=f"Webhook endpoint disabled: {endpoint.url}",
            body=render_to_string("email/webhook_disabled.txt", {"endpoint": endpoint, "site_url": settings.SITE_URL}),
            to=addresses,
            headers={
                "Message-ID": f"<webhook-disabled-{endpoint.pk}-{endpoint.disabled_at:%Y%m%d%H%M%S}@{site_domain()}>",
                "Auto-Submitted": "auto-generated",
            },
        ).send()
    endpoint.owner_told_at = timezone.now()
    endpoint.save(update_fields=["owner_told_at"])
    return "told" if addresses else "no address"
