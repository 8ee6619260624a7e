"""Indicators of agreements and their periods: planning them, reporting actuals, verifying and locking them.

A period moves open → reported → verified → locked. The responsible partner reports actuals until a
programme manager verifies them; programme managers verify, lock and unlock. A locked period refuses
every change (`PERIOD_LOCKED`) until it is unlocked with a reason, which its history keeps.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from projects.actors import Actor
from projects.choices import PeriodState
from projects.errors import DomainError, ErrorCode
from projects.models import Agreement, Indicator, IndicatorPeriod
from projects.services.milestones import ensure_party
from projects.services.service import (
    apply_changes,
    check_unchanged,
    reject_unknown,
    require_staff,
    save_validated,
    service,
)
from projects.webhooks.choices import EventType
from projects.webhooks.events import emit

INDICATOR_FIELDS = frozenset({"title", "kind", "unit", "capability", "responsible", "baseline", "target"})
# What locked figures mean: changing them would rewrite what was locked.
MEANING_FIELDS = frozenset({"kind", "unit"})
PERIOD_FIELDS = frozenset({"starts_on", "ends_on", "target"})
# A partner reports, and corrects its report, until a programme manager has verified it.
PARTNER_REPORTABLE = frozenset({PeriodState.OPEN, PeriodState.REPORTED})


def refuse_locked(period: IndicatorPeriod) -> None:
    if period.state == PeriodState.LOCKED:
        raise DomainError(
            ErrorCode.PERIOD_LOCKED,
            _("This period is locked; a programme manager must unlock it, giving a reason, before it can change."),
        )


def refuse_if_any_locked(indicator: Indicator, doing: str) -> None:
    if indicator.periods.filter(state=PeriodState.LOCKED).exists():
        raise DomainError(
            ErrorCode.PERIOD_LOCKED,
            _("This indicator has locked periods; unlock them before you %(doing)s.") % {"doing": doing},
        )


def check_capability(agreement: Agreement, capability) -> None:
    """An indicator counts under one of its agreement's capabilities."""
    if not agreement.capabilities.filter(pk=capability.pk).exists():
        raise DomainError(ErrorCode.INVALID, _("Choose one of the agreement's capabilities."), field="capability")


@service
def create_indicator(
    *, actor: Actor, agreement_id: int, title: str, kind: str, unit: str, capability, responsible, target: int, **fields
) -> Indicator:
    require_staff(actor, _("define indicators"))
    reject_unknown(fields, INDICATOR_FIELDS)
    agreement = Agreement.objects.get(pk=agreement_id)
    ensure_party(agreement, responsible.pk)
    check_capability(agreement, capability)
    indicator = Indicator(
        agreement=agreement,
        title=title,
        kind=kind,
        unit=unit,
        capability=capability,
        responsible=responsible,
        target=target,
        **fields,
    )
    save_validated(indicator)
    return indicator


@service
def update_indicator(
    *, actor: Actor, indicator_id: int, expected_updated_at: datetime | None = None, **changes
) -> Indicator:
    require_staff(actor, _("change indicators"))
    indicator = Indicator.objects.select_for_update().select_related("agreement").get(pk=indicator_id)
    check_unchanged(indicator, expected_updated_at)
    changed = apply_changes(indicator, changes, INDICATOR_FIELDS)
    if MEANING_FIELDS & set(changed):
        refuse_if_any_locked(indicator, _("change what it counts"))
    if "responsible" in changed:
        ensure_party(indicator.agreement, indicator.responsible_id)
    if "capability" in changed:
        check_capability(indicator.agreement, indicator.capability)
    if changed:
        save_validated(indicator, update_fields=changed)
    return indicator


@service
def delete_indicator(*, actor: Actor, indicator_id: int, expected_updated_at: datetime | None = None) -> None:
    require_staff(actor, _("delete indicators"))
    indicator = Indicator.objects.select_for_update().get(pk=indicator_id)
    check_unchanged(indicator, expected_updated_at)
    refuse_if_any_locked(indicator, _("delete it"))
    indicator.delete()


@service
def open_period(
    *, actor: Actor, indicator_id: int, starts_on: date, ends_on: date, target: int | None = None
) -> IndicatorPeriod:
    """A new period to report on; periods of one indicator never overlap."""
    require_staff(actor, _("open indicator periods"))
    # Lock the indicator: two periods opened at once could both pass the overlap check.
    indicator = Indicator.objects.select_for_update().get(pk=indicator_id)
    period = IndicatorPeriod(indicator=indicator, starts_on=starts_on, ends_on=ends_on, target=target)
    save_validated(period)
    emit(EventType.INDICATOR_PERIOD_UPDATED, period.pk)
    return period


def locked_period(period_id: int, expected_updated_at: datetime | None) -> IndicatorPeriod:
    """The period, locked for the write, refused if it is locked or changed meanwhile."""
    period = IndicatorPeriod.objects.select_for_update(of=("self",)).select_related("indicator").get(pk=period_id)
    refuse_locked(period)
    check_unchanged(period, expected_updated_at)
    return period


@service
def update_period(
    *, actor: Actor, period_id: int, expected_updated_at: datetime | None = None, **changes
) -> IndicatorPeriod:
    """Re-plan a period's dates or target (programme managers)."""
    require_staff(actor, _("re-plan indicator periods"))
    # Lock the indicator first, as open_period does: new dates are checked against its other periods.
    indicator_id = IndicatorPeriod.objects.values_list("indicator_id", flat=True).get(pk=period_id)
    Indicator.objects.select_for_update().get(pk=indicator_id)
    period = locked_period(period_id, expected_updated_at)
    changed = apply_changes(period, changes, PERIOD_FIELDS)
    if changed:
        save_validated(period, update_fields=changed)
    emit(EventType.INDICATOR_PERIOD_UPDATED, period.pk, changed=bool(changed))
    return period


@service
def delete_period(*, actor: Actor, period_id: int, expected_updated_at: datetime | None = None) -> None:
    require_staff(actor, _("delete indicator periods"))
    locked_period(period_id, expected_updated_at).delete()


@service
def report_actual(
    *,
    actor: Actor,
    period_id: int,
    actual: int,
    source: str = "",
    expected_updated_at: datetime | None = None,
) -> IndicatorPeriod:
    """Record the period's actual: programme managers on any period not locked, the responsible partner on
    its open or reported periods. A report replaces the one before and needs verifying again."""
    period = locked_period(period_id, expected_updated_at)
    if not actor.is_staff:
        if actor.organization is None or actor.organization.pk != period.indicator.responsible_id:
            raise DomainError(
                ErrorCode.PERMISSION_DENIED,
                _("Only the organisation responsible for this indicator can report its actuals."),
            )
        if period.state not in PARTNER_REPORTABLE:
            raise DomainError(
                ErrorCode.TRANSITION_NOT_ALLOWED,
                _("This period is verified; only a programme manager can correct it."),
            )
    if actual is None or actual < 0:
        raise DomainError(ErrorCode.INVALID, _("Give the actual as a whole number of 0 or more."), field="actual")
    period.actual = actual
    period.source = source
    period.state = PeriodState.REPORTED
    period.reported_at = timezone.now()
    period.reported_by_user = actor.user
    period.reported_by_organization = actor.organization if actor.user is None else None
    period.verified_by = period.verified_at = None
    save_validated(
        period,
        update_fields=[
            "actual",
            "source",
            "state",
            "reported_at",
            "reported_by_user",
            "reported_by_organization",
            "verified_by",
            "verified_at",
        ],
    )
    emit(EventType.INDICATOR_PERIOD_UPDATED, period.pk)
    return period


def move(period: IndicatorPeriod, *, from_state: str, to_state: str) -> None:
    if period.state != from_state:
        raise DomainError(
            ErrorCode.TRANSITION_NOT_ALLOWED,
            _("A %(current)s period cannot become %(wanted)s; only a %(needed)s one can.")
            % {
                "current": PeriodState(period.state).label.lower(),
                "wanted": PeriodState(to_state).label.lower(),
                "needed": PeriodState(from_state).label.lower(),
            },
            field="state",
        )
    period.state = to_state


@service
def verify_period(*, actor: Actor, period_id: int, expected_updated_at: datetime | None = None) -> IndicatorPeriod:
    """A programme manager has checked the reported actual against its source."""
    require_staff(actor, _("verify indicator periods"))
    period = locked_period(period_id, expected_updated_at)
    move(period, from_state=PeriodState.REPORTED, to_state=PeriodState.VERIFIED)
    period.verified_by, period.verified_at = actor.user, timezone.now()
    save_validated(period, update_fields=["state", "verified_by", "verified_at"])
    emit(EventType.INDICATOR_PERIOD_UPDATED, period.pk)
    return period


@service
def lock_period(*, actor: Actor, period_id: int, expected_updated_at: datetime | None = None) -> IndicatorPeriod:
    """Make a verified period final: the portfolio's figures for it no longer move."""
    require_staff(actor, _("lock indicator periods"))
    period = locked_period(period_id, expected_updated_at)
    move(period, from_state=PeriodState.VERIFIED, to_state=PeriodState.LOCKED)
    save_validated(period, update_fields=["state"])
    emit(EventType.INDICATOR_PERIOD_UPDATED, period.pk)
    return period


@service
def unlock_period(
    *, actor: Actor, period_id: int, reason: str, expected_updated_at: datetime | None = None
) -> IndicatorPeriod:
    """Open a locked period to changes again (it stays verified); the reason is kept in its history."""
    require_staff(actor, _("unlock indicator periods"))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(ErrorCode.INVALID, _("Give a reason for unlocking the period."), field="reason")
    period = IndicatorPeriod.objects.select_for_update(of=("self",)).get(pk=period_id)
    check_unchanged(period, expected_updated_at)
    if period.state != PeriodState.LOCKED:
        raise DomainError(ErrorCode.TRANSITION_NOT_ALLOWED, _("Only a locked period can be unlocked."), field="state")
    period.state = PeriodState.VERIFIED
    period._change_reason = reason
    save_validated(period, update_fields=["state"])
    emit(EventType.INDICATOR_PERIOD_UPDATED, period.pk)
    return period
