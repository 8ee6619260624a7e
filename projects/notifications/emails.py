"""Reminder and digest e-mails: subject, plain text and HTML from templates/email/, and the list headers."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from projects.models import Milestone
from projects.notifications.digests import Digest
from projects.notifications.models import Delivery, Recipient
from projects.notifications.unsubscribe import unsubscribe_url


def agreement_link(agreement_id: int) -> str:
    return settings.SITE_URL + reverse("agreement", args=[agreement_id])


def milestone_link(milestone: Milestone) -> str:
    """The milestone's row on its agreement's page (the row carries this anchor)."""
    return f"{agreement_link(milestone.agreement_id)}#milestone-{milestone.pk}"


def message_id(delivery: Delivery) -> str:
    """Stable per delivery, so a mail system that sees a resend after a crash can drop it as a duplicate."""
    domain = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"
    return f"<{delivery.kind}-{delivery.pk}@{domain}>"


def compose(
    *, recipient: Recipient, topic: str, subject: str, template: str, context: dict, msgid: str | None
) -> EmailMultiAlternatives:
    """One e-mail with text and HTML parts and an RFC 8058 one-click unsubscribe."""
    unsubscribe = unsubscribe_url(recipient.pk, topic)
    context = {**context, "recipient": recipient, "unsubscribe_url": unsubscribe, "site_url": settings.SITE_URL}
    headers = {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
    }
    if msgid:
        headers["Message-ID"] = msgid
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"email/{template}.txt", context),
        to=[f"{recipient.name} <{recipient.email}>"],
        headers=headers,
    )
    message.attach_alternative(render_to_string(f"email/{template}.html", context), "text/html")
    return message


def reminder_subject(milestone: Milestone, on_date) -> str:
    days = (milestone.due_on - on_date).days
    if days > 1:
        when = f"due in {days} days"
    elif days == 1:
        when = "due tomorrow"
    elif days == 0:
        when = "due today"
    else:
        when = f"overdue by {-days} day{'s' if days < -1 else ''}"
    return f"[{milestone.agreement.reference}] Milestone {when}: {milestone.title}"


def reminder_message(delivery: Delivery) -> EmailMultiAlternatives:
    milestone = delivery.milestone
    subject = reminder_subject(milestone, delivery.on_date)
    context = {
        "subject": subject,
        "milestone": milestone,
        "agreement": milestone.agreement,
        "days_left": (milestone.due_on - delivery.on_date).days,
        "days_overdue": (delivery.on_date - milestone.due_on).days,
    }
    return compose(
        recipient=delivery.recipient,
        topic="reminders",
        subject=subject,
        template="reminder",
        context=context,
        msgid=message_id(delivery),
    )


def digest_subject(digest: Digest, frequency: str) -> str:
    late = f", {digest.overdue_count} milestone{'s' if digest.overdue_count != 1 else ''} overdue"
    count = len(digest.sections)
    return (
        f"{frequency.capitalize()} digest {digest.today:%d %b %Y}: "
        f"{count} agreement{'s' if count != 1 else ''} with news{late if digest.overdue_count else ''}"
    )


def digest_message(digest: Digest, frequency: str, delivery: Delivery | None = None) -> EmailMultiAlternatives:
    subject = digest_subject(digest, frequency)
    return compose(
        recipient=digest.recipient,
        topic="digest",
        subject=subject,
        template="digest",
        context={
            "subject": subject,
            "digest": digest,
            "frequency": frequency,
            "base_currency": settings.BASE_CURRENCY,
        },
        msgid=message_id(delivery) if delivery else None,
    )
