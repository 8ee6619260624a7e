"""What every e-mail shares: the text and HTML parts from templates/email/, the list headers, links and formats.

Values reach the templates formatted already (dates, money, links), and the templates are Jinja2 (the
"email" engine in settings), compiled to Python: rendering costs no filter, tag or node walk per value,
so a digest batch renders hundreds of messages a second.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import engines
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateformat import format as format_date
from django.utils.formats import get_format

from projects.models import Milestone
from projects.notifications.email_templates import translations
from projects.notifications.models import Delivery, Recipient
from projects.notifications.unsubscribe import unsubscribe_url

CENT = Decimal("0.01")


def agreement_link(agreement_id: int) -> str:
    return settings.SITE_URL + agreement_path(agreement_id)


@lru_cache(maxsize=4096)
def agreement_path(agreement_id: int) -> str:
    """Resolved once per agreement: a batch links the same agreements from many digests."""
    return reverse("agreement", args=[agreement_id])


@lru_cache(maxsize=1)
def dashboard_path() -> str:
    return reverse("dashboard")


def milestone_link(milestone: Milestone) -> str:
    """The milestone's row on its agreement's page (the row carries this anchor)."""
    return f"{agreement_link(milestone.agreement_id)}#milestone-{milestone.pk}"


def site_domain() -> str:
    """The host of SITE_URL: the right-hand side of the Message-IDs the tracker writes."""
    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"


def message_id(delivery: Delivery) -> str:
    """Stable per delivery, so a mail system that sees a resend after a crash can drop it as a duplicate."""
    return f"<{delivery.kind}-{delivery.pk}@{site_domain()}>"


@lru_cache(maxsize=16)
def separators(language: str) -> dict[int, str]:
    """The language's thousands and decimal separators, as a table for `str.translate` (looked up once)."""
    with translation.override(language):
        return str.maketrans({",": get_format("THOUSAND_SEPARATOR"), ".": get_format("DECIMAL_SEPARATOR")})


def money(amount: Decimal, language: str | None = None) -> str:
    """1,234,567.89 (1 234 567,89 in Ukrainian): cents rounded half up, thousands grouped; in `language`,
    else the active one."""
    separated = separators(language or translation.get_language())
    return f"{amount.quantize(CENT, rounding=ROUND_HALF_UP):,.2f}".translate(separated)


def percent(share: Decimal) -> str:
    return f"{round(float(share) * 100)}%"


@lru_cache(maxsize=4096)
def formatted_day(day: date, pattern: str, language: str) -> str:
    """Formatted once per day and language: a batch repeats the same few dates across its messages."""
    with translation.override(language):
        return format_date(day, pattern)


def short_day(day: date, language: str | None = None) -> str:
    """29 Nov 2026; 29 листопада 2026 in Ukrainian (each language's DATE_FORMAT); in `language`, else the
    active one."""
    language = language or translation.get_language()
    return formatted_day(day, get_format("DATE_FORMAT", language), language)


def long_day(day: date) -> str:
    """29 November 2026; 29 листопада 2026 in Ukrainian."""
    return formatted_day(day, "j E Y", translation.get_language())


def moment(when: datetime) -> str:
    """A point in time in the server's time zone: 29 November 2026, 07:00 UTC."""
    local = timezone.localtime(when)
    return f"{long_day(local.date())}, {local:%H:%M} {local.tzname()}"


def compose(
    *, recipient: Recipient, topic: str, subject: str, template: str, context: dict, msgid: str | None
) -> EmailMultiAlternatives:
    """One e-mail with text and HTML parts and an RFC 8058 one-click unsubscribe."""
    unsubscribe = unsubscribe_url(recipient.pk, topic)
    name, email = recipient.name, recipient.email
    context = {
        **context,
        "subject": subject,
        "recipient": f"{name} <{email}>",
        "unsubscribe_url": unsubscribe,
        "language": translation.get_language(),
        "_": translations().__getitem__,  # the templates' gettext, bound to the message's language once
    }
    headers = {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
    }
    if msgid:
        headers["Message-ID"] = msgid
    message = EmailMultiAlternatives(
        subject=subject,
        body=engines["email"].get_template(f"{template}.txt").render(context),
        to=[f"{name} <{email}>"],
        headers=headers,
    )
    message.attach_alternative(engines["email"].get_template(f"{template}.html").render(context), "text/html")
    return message
