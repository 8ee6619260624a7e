"""What every e-mail shares: the text and HTML parts from templates/email/, the list headers, links and formats.

Values reach the templates formatted already (dates, money, links), and the templates are Jinja2 (the
"email" engine in settings), compiled to Python: rendering costs no filter, tag or node walk per value,
so a digest batch renders hundreds of messages a second.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from email.generator import BytesGenerator
from email.policy import Compat32, compat32
from functools import lru_cache
from io import BytesIO

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import SafeMIMEMultipart
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


def money(amount: Decimal) -> str:
    """1,234,567.89 (1 234 567,89 in Ukrainian): cents rounded half up, thousands grouped."""
    return f"{amount.quantize(CENT, rounding=ROUND_HALF_UP):,.2f}".translate(separators(translation.get_language()))


def percent(share: Decimal) -> str:
    return f"{round(float(share) * 100)}%"


@lru_cache(maxsize=4096)
def formatted_day(day: date, pattern: str, language: str) -> str:
    """Formatted once per day and language: a batch repeats the same few dates across its messages."""
    with translation.override(language):
        return format_date(day, pattern)


def short_day(day: date) -> str:
    """29 Nov 2026; 29 листопада 2026 in Ukrainian (each language's DATE_FORMAT)."""
    return formatted_day(day, get_format("DATE_FORMAT"), translation.get_language())


def long_day(day: date) -> str:
    """29 November 2026; 29 листопада 2026 in Ukrainian."""
    return formatted_day(day, "j E Y", translation.get_language())


def moment(when: datetime) -> str:
    """A point in time in the server's time zone: 29 November 2026, 07:00 UTC."""
    local = timezone.localtime(when)
    return f"{long_day(local.date())}, {local:%H:%M} {local.tzname()}"


@lru_cache(maxsize=4096)
def folded_header(name: str, value: str, linesep: str, max_line_length: int, cte_type: str) -> bytes:
    """A header as Python's compat32 generator writes it (the policy attributes its folding reads)."""
    policy = compat32.clone(linesep=linesep, max_line_length=max_line_length, cte_type=cte_type)
    return policy.fold_binary(name, value)


class HeaderCachingGenerator(BytesGenerator):
    """Python's bytes generator, writing a header it wrote before from the same folded bytes.

    A batch's messages repeat most of their headers (From, MIME-Version, each part's Content-Type
    and Content-Transfer-Encoding, List-Unsubscribe-Post, Auto-Submitted), and folding each again
    was a fifth of a message's MIME time.
    """

    def _write_headers(self, msg) -> None:
        policy = self.policy
        for name, value in msg.raw_items():
            if type(value) is str and type(policy) is Compat32:
                self._fp.write(folded_header(name, value, policy.linesep, policy.max_line_length, policy.cte_type))
            else:
                self._fp.write(policy.fold_binary(name, value))
        self.write(self._NL)


class HeaderCachingMultipart(SafeMIMEMultipart):
    """Django's text-and-HTML message, made into bytes by `HeaderCachingGenerator`."""

    def as_bytes(self, unixfrom: bool = False, linesep: str = "\n") -> bytes:
        out = BytesIO()
        HeaderCachingGenerator(out, mangle_from_=False).flatten(self, unixfrom=unixfrom, linesep=linesep)
        return out.getvalue()


class NotificationEmail(EmailMultiAlternatives):
    """An e-mail with alternatives whose MIME message writes repeated headers from a cache."""

    def message(self):
        message = super().message()
        if type(message) is SafeMIMEMultipart:
            message.__class__ = HeaderCachingMultipart  # the same message; only its bytes come faster
        return message


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
    message = NotificationEmail(
        subject=subject,
        body=engines["email"].get_template(f"{template}.txt").render(context),
        to=[f"{name} <{email}>"],
        headers=headers,
    )
    message.attach_alternative(engines["email"].get_template(f"{template}.html").render(context), "text/html")
    return message
