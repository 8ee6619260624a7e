"""The digest e-mail: a portfolio headline, then each agreement's news, with every value formatted here."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Choices
from django.template import engines
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, trans_real

from projects.alerts.models import Alert
from projects.choices import AgreementStatus, CommitmentStatus, Rag
from projects.models.base import in_language_of_page
from projects.notifications.digests import AgreementNews, Digest
from projects.notifications.email_templates import per_catalogue, translations
from projects.notifications.emails import (
    agreement_link,
    compose,
    dashboard_path,
    long_day,
    message_id,
    moment,
    money,
    percent,
    short_day,
)
from projects.notifications.language import written_for
from projects.notifications.models import Delivery
from projects.selectors import FundingSummary

RAG_COLOURS = {Rag.RED: "#b91c1c", Rag.AMBER: "#b45309", Rag.GREEN: "#15803d"}


def labels(choices: type[Choices]) -> dict[str, str]:
    """The stored values' labels in the active language (the rows are `values()` dicts, not model instances):
    looked up once per catalogue, where a batch's commitments alone asked gettext thousands of times."""
    return per_catalogue(choices, lambda: {value: str(label) for value, label in choices.choices})


def overdue_text(count: int) -> str:
    return ngettext("%(count)d milestone overdue", "%(count)d milestones overdue", count) % {"count": count}


def digest_name(digest: Digest) -> str:
    return _("Daily digest") if digest.frequency == "daily" else _("Weekly digest")


def digest_subject(digest: Digest) -> str:
    late = ", " + overdue_text(digest.overdue_count) if digest.overdue_count else ""
    alerts = ""
    if digest.alerts:
        alerts = ", " + ngettext("%(count)d open alert", "%(count)d open alerts", len(digest.alerts)) % {
            "count": len(digest.alerts)
        }
    news = ngettext("%(count)d agreement with news", "%(count)d agreements with news", len(digest.sections)) % {
        "count": len(digest.sections)
    }
    return f"{digest_name(digest)} {short_day(digest.today)}: {news}{late}{alerts}"


def funding_values(funding: FundingSummary, language: str | None = None) -> dict:
    share = funding.unfunded_share
    return {
        "budget": money(funding.budget, language),
        "committed": money(funding.committed, language),
        "pledged": money(funding.pledged, language),
        "disbursed": money(funding.disbursed, language),
        "gap": money(funding.gap, language),
        "share": percent(share) if share is not None else "",
    }


def milestone_values(milestone: dict, language: str) -> dict:
    return {
        "title": milestone["title"],
        "due": short_day(milestone["due_on"], language),
        "responsible": in_language_of_page(milestone["responsible_name"], milestone["responsible_name_uk"], language),
        "link": f"{agreement_link(milestone['agreement_id'])}#milestone-{milestone['pk']}",
    }


def completed_values(milestone: dict, language: str) -> dict:
    progress = ""
    if milestone["target_quantity"]:
        progress = _(" (%(actual)s of %(target)s %(unit)s)") % {
            "actual": milestone["actual_quantity"] or 0,
            "target": milestone["target_quantity"],
            "unit": milestone["unit"],
        }
    return {"title": milestone["title"], "on": short_day(milestone["completed_on"], language), "progress": progress}


def transition_values(change: dict, language: str) -> dict:
    statuses = labels(AgreementStatus)
    before, after = statuses[change["from_status"]], statuses[change["to_status"]]
    return {
        "change": f"{before} \N{RIGHTWARDS ARROW} {after}",
        "text_change": f"{before} -> {after}",
        "on": short_day(timezone.localtime(change["changed_at"]), language),
        "reason": change["reason"],
    }


def news_values(section: AgreementNews, language: str) -> dict:
    """What happened: status changes, milestones late, due and done, new money."""
    statuses = labels(CommitmentStatus)
    return {
        "transitions": [transition_values(c, language) for c in section.transitions],
        "overdue": [milestone_values(m, language) for m in section.overdue],
        "due_soon": [milestone_values(m, language) for m in section.due_soon],
        "completed": [completed_values(m, language) for m in section.completed],
        "commitments": [
            {
                "funder": in_language_of_page(c["funder_name"], c["funder_name_uk"], language),
                "amount": f"{money(c['amount'], language)} {c['currency']}",
                "status": statuses[c["status"]].lower(),
            }
            for c in section.new_commitments
        ],
        "disbursements": [
            {
                "funder": in_language_of_page(d["funder_name"], d["funder_name_uk"], language),
                "amount": f"{money(d['amount'], language)} {d['currency']}",
                "on": short_day(d["disbursed_on"], language),
            }
            for d in section.new_disbursements
        ],
    }


def section_parts(section: AgreementNews, due_soon_days: int) -> dict[str, str]:
    """The section's text and HTML, made once per language for every digest of the batch sharing it.

    Most of a digest is its sections, and a batch's digests show the same few hundred (as do the batches
    after it: see `rendered_section`).
    """
    language = translation.get_language()
    if language not in section.rendered:
        section.rendered[language] = rendered_section(section_values(section, language), due_soon_days)
    return section.rendered[language]


# Sections this process has rendered, by what they show. A worker's batches of one period mostly show the
# same agreements' news: rendered once per process instead of once per batch, a digest's sections took
# 0.30 ms instead of 0.84 (bench/send_digests.py). The macros read their arguments and the catalogue's `_`
# alone, so an equal key renders equal text; past RENDERED_SECTIONS_KEPT the process starts afresh.
RENDERED_SECTIONS: dict[tuple, dict[str, str]] = {}
RENDERED_SECTIONS_KEPT = 4096


def rendered_section(values: dict, due_soon_days: int) -> dict[str, str]:
    """The `section` macros' text and HTML for these values (all strings: their repr is what they show)."""
    key = (trans_real.catalog(), due_soon_days, settings.BASE_CURRENCY, repr(values))
    found = RENDERED_SECTIONS.get(key)
    if found is None:
        if len(RENDERED_SECTIONS) >= RENDERED_SECTIONS_KEPT:
            RENDERED_SECTIONS.clear()
        found = RENDERED_SECTIONS[key] = {
            part: section_template(part)(values, due_soon_days, settings.BASE_CURRENCY) for part in ("text", "html")
        }
    return found


def section_template(part: str):
    """The `section` macro of templates/email/digest_section.txt or .html, its `_` bound to the active language
    (bound once per catalogue: binding runs the whole template)."""
    extension = "txt" if part == "text" else part

    def bound():
        template = engines["email"].get_template(f"digest_section.{extension}").template
        return template.make_module({"_": translations().__getitem__}).section

    return per_catalogue(("section", part), bound)


def section_values(section: AgreementNews, language: str) -> dict:
    """The section's values in `language`, the active one, passed down: a section writes dozens of amounts,
    days and names, and looking the active language up for each cost more than writing them."""
    agreement, report = section.agreement, section.latest_report
    title = in_language_of_page(agreement["title"], agreement["title_uk"], language)
    return {
        "title": f"{agreement['reference']} {title}",
        "link": agreement_link(agreement["pk"]),
        "status": labels(AgreementStatus)[agreement["status"]],
        **news_values(section, language),
        "funding": funding_values(section.funding, language) if section.funding else None,
        "report": report_values(report, language) if report else None,
    }


def report_values(report: dict, language: str) -> dict:
    rag = labels(Rag)[report["rag"]]
    return {
        "on": short_day(report["reported_on"], language),
        "rag": rag,
        "badge": rag.upper(),
        "colour": RAG_COLOURS.get(report["rag"], "#6b7280"),
        "summary": report["summary"],
    }


def alert_values(alert: Alert) -> dict:
    return {
        "kind": str(alert.get_kind_display()),
        "agreement": alert.agreement.reference,
        "subject": alert.subject_label,
        "since": short_day(alert.since),
        "link": agreement_link(alert.agreement_id),
    }


def headline_values(digest: Digest) -> dict:
    return {
        "title": f"{digest_name(digest)}, {long_day(digest.today)}",
        "since": moment(digest.since),
        "agreements": ngettext("%(count)d agreement", "%(count)d agreements", digest.agreement_count)
        % {"count": digest.agreement_count},
        "with_news": len(digest.sections),
        "overdue": digest.overdue_count,
        "overdue_text": overdue_text(digest.overdue_count),
        "due_soon": ngettext(
            "%(count)d due in the next %(days)d days", "%(count)d due in the next %(days)d days", digest.due_soon_count
        )
        % {"count": digest.due_soon_count, "days": digest.due_soon_days},
        "funding": funding_values(digest.funding_total) if digest.funding_total else None,
        "funding_error": digest.funding_error,
        "due_soon_days": digest.due_soon_days,
    }


def digest_message(digest: Digest, delivery: Delivery | None = None) -> EmailMultiAlternatives:
    """The e-mail of a digest; `delivery` gives it its stable Message-ID (a preview has none)."""
    with written_for(digest.recipient.language):
        return compose(
            recipient=digest.recipient,
            topic="digest",
            subject=digest_subject(digest),
            template="digest",
            context={
                "headline": headline_values(digest),
                "sections": [section_parts(section, digest.due_soon_days) for section in digest.sections],
                "alerts": [alert_values(alert) for alert in digest.alerts],
                "alerts_link": settings.SITE_URL + dashboard_path() + "#alerts",
                "base_currency": settings.BASE_CURRENCY,
            },
            msgid=message_id(delivery) if delivery else None,
        )
