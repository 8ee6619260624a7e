"""Writes on alerts: the daily evaluation, acknowledging and snoozing, and editing the rules' thresholds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.actors import Actor
from projects.alerts.models import Alert, AlertRule, AlertState
from projects.alerts.rules import RULES, Occurrence
from projects.errors import DomainError, ErrorCode
from projects.services.service import require_staff, save_validated, service


@dataclass(frozen=True)
class Evaluation:
    """What one evaluation found: occurrences holding (each has its one alert), alerts reopened and resolved."""

    holding: int
    reopened: int
    resolved: int


@service
def evaluate_alerts(*, actor: Actor, today: date) -> Evaluation:
    """Raise one alert per occurrence holding on `today`, reopen snoozes that ended, resolve what cleared.

    A fixed number of queries whatever the portfolio's size: the rules, one read per rule, one insert,
    one locking read and at most two updates. Two evaluations at once raise each alert once: the insert
    skips occurrences raised already (ON CONFLICT DO NOTHING on the occurrence's unique key, the second
    writer waiting for the first to commit), and each locks the rows it updates in one order (by key for
    the insert, by id for the read). A rule turned off is not evaluated, so its alerts resolve.
    """
    require_staff(actor, _("evaluate alerts"))
    occurrences = sorted(
        (found for rule in AlertRule.objects.filter(active=True) for found in RULES[rule.kind](today, rule.days)),
        key=lambda occurrence: occurrence.key,
    )
    now = timezone.now()
    subject_types = ContentType.objects.get_for_models(*{type(o.subject) for o in occurrences})
    Alert.objects.bulk_create(
        [_alert(occurrence, subject_types[type(occurrence.subject)], now) for occurrence in occurrences],
        ignore_conflicts=True,
    )
    holding = {occurrence.key for occurrence in occurrences}
    current = list(
        Alert.objects.select_for_update()
        .filter(~Q(state=AlertState.RESOLVED) | Q(occurrence__in=holding))
        .order_by("pk")
        .values_list("pk", "occurrence", "state", "snoozed_until")
    )
    reopen, resolve = [], []
    for pk, key, state, snoozed_until in current:
        if key not in holding:
            resolve.append(pk)
        elif state == AlertState.RESOLVED or (state == AlertState.SNOOZED and snoozed_until <= today):
            reopen.append(pk)
    if reopen:
        Alert.objects.filter(pk__in=reopen).update(state=AlertState.OPEN, snoozed_until=None, resolved_at=None)
    if resolve:
        Alert.objects.filter(pk__in=resolve).update(state=AlertState.RESOLVED, snoozed_until=None, resolved_at=now)
    return Evaluation(holding=len(holding), reopened=len(reopen), resolved=len(resolve))


def _alert(occurrence: Occurrence, subject_type: ContentType, now: datetime) -> Alert:
    return Alert(
        kind=occurrence.kind,
        occurrence=occurrence.key,
        agreement_id=occurrence.agreement_id,
        subject_type=subject_type,
        subject_id=occurrence.subject.pk,
        subject_facts=occurrence.facts,
        since=occurrence.since,
        raised_at=now,
    )


@service
def acknowledge_alert(*, actor: Actor, alert_id: int) -> Alert:
    """Seen and in hand: the alert leaves the dashboard and the digests, until its condition clears."""
    require_staff(actor, _("acknowledge alerts"))
    alert = _current_alert(alert_id)
    alert.state, alert.snoozed_until = AlertState.ACKNOWLEDGED, None
    return _handled(alert, actor)


@service
def snooze_alert(*, actor: Actor, alert_id: int, until: date) -> Alert:
    """Hidden until `until`: the evaluation of that day reopens it if its condition still holds."""
    require_staff(actor, _("snooze alerts"))
    if until <= timezone.localdate():
        raise DomainError(ErrorCode.INVALID, _("Snooze until a day after today."), field="until")
    alert = _current_alert(alert_id)
    alert.state, alert.snoozed_until = AlertState.SNOOZED, until
    return _handled(alert, actor)


def _current_alert(alert_id: int) -> Alert:
    alert = Alert.objects.select_for_update().get(pk=alert_id)
    if alert.state == AlertState.RESOLVED:
        raise DomainError(ErrorCode.CONFLICT, _("This alert was resolved meanwhile: its condition no longer holds."))
    return alert


def _handled(alert: Alert, actor: Actor) -> Alert:
    alert.handled_by, alert.handled_at = actor.user, timezone.now()
    alert.save(update_fields=["state", "snoozed_until", "handled_by", "handled_at"])
    return alert


@service
def set_alert_rule(*, actor: Actor, rule_id: int, days: int, active: bool) -> AlertRule:
    """A new threshold applies from the next evaluation; alerts raised already stay until their condition clears."""
    require_staff(actor, _("change alert rules"))
    rule = AlertRule.objects.select_for_update().get(pk=rule_id)
    rule.days, rule.active = days, active
    save_validated(rule)
    return rule
