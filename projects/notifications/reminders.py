"""Which milestones the reminder rules point at on a given day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q

from projects.choices import AgreementStatus
from projects.models import Milestone
from projects.notifications.models import ReminderRule, ReminderRuleKind

# Reminders ask for action; an agreement that is over or not yet agreed asks for none.
QUIET_AGREEMENT_STATUSES = (AgreementStatus.DRAFT, AgreementStatus.COMPLETED, AgreementStatus.TERMINATED)


@dataclass(frozen=True)
class DueReminder:
    """A rule firing for one open milestone on one day."""

    milestone: Milestone
    rule: str


def rule_label(rule: ReminderRule, due_on: date, day: date) -> str:
    if rule.kind == ReminderRuleKind.OVERDUE:
        return f"overdue:{(day - due_on).days}"
    return f"before:{rule.days}"


def reminders_due(day: date) -> list[DueReminder]:
    """Open milestones of live agreements that an active rule points at on `day` (one query plus the rules)."""
    rules = list(ReminderRule.objects.filter(active=True))
    before = {day + timedelta(days=rule.days): rule for rule in rules if rule.kind == ReminderRuleKind.BEFORE_DUE}
    repeats = [rule for rule in rules if rule.kind == ReminderRuleKind.OVERDUE]
    if not before and not repeats:
        return []
    when = Q(due_on__in=list(before))
    if repeats:
        when |= Q(due_on__lt=day)
    milestones = (
        Milestone.objects.open()
        .filter(when)
        .exclude(agreement__status__in=QUIET_AGREEMENT_STATUSES)
        .select_related("agreement", "responsible", "owner")
        .order_by("due_on", "pk")
    )
    due = []
    for milestone in milestones:
        rule = before.get(milestone.due_on) or next(
            (r for r in repeats if milestone.due_on < day and (day - milestone.due_on).days % r.days == 0), None
        )
        if rule is not None:
            due.append(DueReminder(milestone, rule_label(rule, milestone.due_on, day)))
    return due
