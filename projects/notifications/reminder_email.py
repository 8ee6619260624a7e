"""The reminder e-mail: every milestone a rule points at for one recipient on one day, in one message."""

from __future__ import annotations

from datetime import date

from django.core.mail import EmailMultiAlternatives

from projects.notifications.emails import compose, long_day, message_id, milestone_link, plural
from projects.notifications.models import Delivery, RemindedMilestone

MAX_REFERENCES_IN_SUBJECT = 3


def when(due_on: date, day: date) -> str:
    days = (due_on - day).days
    if days > 1:
        return f"due in {days} days"
    if days == 1:
        return "due tomorrow"
    if days == 0:
        return "due today"
    return f"overdue by {plural(-days, 'day')}"


def reminder_subject(listed: list[RemindedMilestone], day: date) -> str:
    if len(listed) == 1:
        milestone = listed[0].milestone
        return f"[{milestone.agreement.reference}] Milestone {when(milestone.due_on, day)}: {milestone.title}"
    references = sorted({item.milestone.agreement.reference for item in listed})
    shown = ", ".join(references[:MAX_REFERENCES_IN_SUBJECT])
    hidden = len(references) - MAX_REFERENCES_IN_SUBJECT
    more = f" and {hidden} more" if hidden > 0 else ""
    overdue = sum(item.due_on < day for item in listed)
    late = f", {overdue} overdue" if overdue else ""
    return f"[{shown}{more}] {len(listed)} milestones need attention{late}"


def milestone_values(item: RemindedMilestone, day: date) -> dict:
    milestone = item.milestone
    owner = milestone.owner
    progress = ""
    if milestone.target_quantity:
        progress = f", {milestone.actual_quantity or 0} of {milestone.target_quantity} {milestone.unit}"
    return {
        "title": milestone.title,
        "agreement": f"{milestone.agreement.reference} {milestone.agreement.title}",
        "due": long_day(milestone.due_on),
        "when": when(milestone.due_on, day),
        "overdue": milestone.due_on < day,
        "responsible": milestone.responsible.name,
        "owner": (owner.get_full_name() or owner.get_username()) if owner else "",
        "status": milestone.get_status_display() + progress,
        "link": milestone_link(milestone),
    }


def reminder_message(delivery: Delivery, listed: list[RemindedMilestone]) -> EmailMultiAlternatives:
    """The day's reminders of one recipient; `listed` are the milestones still needing them."""
    milestones = [milestone_values(item, delivery.on_date) for item in listed]
    return compose(
        recipient=delivery.recipient,
        topic="reminders",
        subject=reminder_subject(listed, delivery.on_date),
        template="reminder",
        context={"milestones": milestones, "single": milestones[0] if len(milestones) == 1 else None},
        msgid=message_id(delivery),
    )
