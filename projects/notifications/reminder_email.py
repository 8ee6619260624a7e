"""The reminder e-mail: every milestone a rule points at for one recipient on one day, in one message."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from django.core.mail import EmailMultiAlternatives
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from projects.notifications.emails import compose, long_day, message_id, milestone_link
from projects.notifications.language import written_for
from projects.notifications.models import Delivery, RemindedMilestone

MAX_REFERENCES_IN_SUBJECT = 3


def when(due_on: date, day: date) -> str:
    days = (due_on - day).days
    if days > 1:
        return ngettext("due in %(days)d day", "due in %(days)d days", days) % {"days": days}
    if days == 1:
        return _("due tomorrow")
    if days == 0:
        return _("due today")
    return ngettext("overdue by %(days)d day", "overdue by %(days)d days", -days) % {"days": -days}


def reminder_subject(listed: list[RemindedMilestone], day: date) -> str:
    if len(listed) == 1:
        milestone = listed[0].milestone
        return _("[%(reference)s] Milestone %(when)s: %(title)s") % {
            "reference": milestone.agreement.reference,
            "when": when(milestone.due_on, day),
            "title": milestone.title,
        }
    references = sorted({item.milestone.agreement.reference for item in listed})
    shown = ", ".join(references[:MAX_REFERENCES_IN_SUBJECT])
    hidden = len(references) - MAX_REFERENCES_IN_SUBJECT
    more = _(" and %(count)d more") % {"count": hidden} if hidden > 0 else ""
    overdue = sum(item.due_on < day for item in listed)
    late = _(", %(count)d overdue") % {"count": overdue} if overdue else ""
    return _("[%(references)s] %(count)d milestones need attention%(late)s") % {
        "references": shown + more,
        "count": len(listed),
        "late": late,
    }


def milestone_values(item: RemindedMilestone, day: date) -> dict:
    milestone = item.milestone
    owner = milestone.owner
    progress = ""
    if milestone.target_quantity:
        progress = _(", %(actual)s of %(target)s %(unit)s") % {
            "actual": milestone.actual_quantity or 0,
            "target": milestone.target_quantity,
            "unit": milestone.unit,
        }
    return {
        "title": milestone.title,
        "agreement": f"{milestone.agreement.reference} {milestone.agreement.local_title}",
        "due": long_day(milestone.due_on),
        "when": when(milestone.due_on, day),
        "overdue": milestone.due_on < day,
        "responsible": milestone.responsible.local_name,
        "owner": (owner.get_full_name() or owner.get_username()) if owner else "",
        "status": milestone.get_status_display() + progress,
        "link": milestone_link(milestone),
    }


@lru_cache(maxsize=8)
def text_labels(language: str) -> dict[str, str]:
    """The plain-text part's field names with their colons, padded to one column in this language."""
    labels = {
        "milestone": _("Milestone"),
        "agreement": _("Agreement"),
        "due": _("Due"),
        "responsible": _("Responsible"),
        "status": _("Status"),
    }
    width = max(len(label) for label in labels.values()) + 2
    return {key: f"{label}:".ljust(width) for key, label in labels.items()}


def reminder_message(delivery: Delivery, listed: list[RemindedMilestone]) -> EmailMultiAlternatives:
    """The day's reminders of one recipient; `listed` are the milestones still needing them."""
    with written_for(delivery.recipient.language) as language:
        milestones = [milestone_values(item, delivery.on_date) for item in listed]
        return compose(
            recipient=delivery.recipient,
            topic="reminders",
            subject=reminder_subject(listed, delivery.on_date),
            template="reminder",
            context={
                "milestones": milestones,
                "single": milestones[0] if len(milestones) == 1 else None,
                "labels": text_labels(language),
            },
            msgid=message_id(delivery),
        )
