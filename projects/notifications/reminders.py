"""Which milestones the reminder rules point at on a given day, and which a planned reminder still lists."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import F, Min, Q

from projects.choices import CLOSED_MILESTONE_STATUSES, AgreementStatus
from projects.models import Milestone
from projects.notifications.models import RemindedMilestone, ReminderRule, ReminderRuleKind

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
    """Open milestones of live agreements that an active rule points at on `day` (two queries plus the rules).

    Only the milestones a rule fires on are read: the due dates the rules point at are listed, those of
    the overdue repeats back to the oldest open milestone (reading every overdue milestone and keeping
    the few on a repeat's day was most of the scan). The milestones carry what planning reads of them
    (their keys, due date and agreement's manager).
    """
    rules = list(ReminderRule.objects.filter(active=True))
    before = {day + timedelta(days=rule.days): rule for rule in rules if rule.kind == ReminderRuleKind.BEFORE_DUE}
    repeats = [rule for rule in rules if rule.kind == ReminderRuleKind.OVERDUE]
    if not before and not repeats:
        return []
    milestones = (
        Milestone.objects.open()
        .filter(_due_dates(day, list(before), repeats))
        .exclude(agreement__status__in=QUIET_AGREEMENT_STATUSES)
        .select_related("agreement")
        .only("pk", "due_on", "owner_id", "responsible_id", "agreement__programme_manager_id")
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


def _due_dates(day: date, before: list[date], repeats: list[ReminderRule]) -> Q:
    """The due dates the rules fire on: each before-rule's day, and every Nth day back while overdue."""
    if any(rule.days == 1 for rule in repeats):
        return Q(due_on__in=before) | Q(due_on__lt=day)
    oldest = Milestone.objects.open().filter(due_on__lt=day).aggregate(oldest=Min("due_on"))["oldest"]
    overdue = {
        day - timedelta(days=n)
        for rule in repeats
        if oldest is not None
        for n in range(rule.days, (day - oldest).days + 1, rule.days)
    }
    return Q(due_on__in=[*before, *sorted(overdue)])


def reminded_milestones(delivery_ids: Iterable[int]) -> dict[int, list[RemindedMilestone]]:
    """The milestones each reminder message lists that still need the reminder (one query for any number).

    A milestone done or cancelled since planning, or whose due date moved, drops out of the message.
    """
    listed = (
        RemindedMilestone.objects.filter(delivery_id__in=list(delivery_ids))
        .exclude(milestone__status__in=CLOSED_MILESTONE_STATUSES)
        .filter(due_on=F("milestone__due_on"))
        .select_related("milestone__agreement", "milestone__responsible", "milestone__owner")
        .order_by("due_on", "milestone__agreement__reference", "milestone_id")
    )
    by_delivery = defaultdict(list)
    for item in listed:
        by_delivery[item.delivery_id].append(item)
    return by_delivery
