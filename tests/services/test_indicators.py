"""Indicators and their periods: who reports, verifies, locks and unlocks, and what a locked period refuses."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction

from projects.actors import Actor
from projects.choices import IndicatorKind, PeriodState
from projects.errors import DomainError, ErrorCode
from projects.models import IndicatorPeriod
from projects.services import indicators
from tests.factories import (
    TODAY,
    AgreementFactory,
    CapabilityFactory,
    IndicatorFactory,
    IndicatorPeriodFactory,
    OrganizationFactory,
    PartyFactory,
)


@pytest.fixture
def indicator(db):
    return IndicatorFactory(responsible=OrganizationFactory(name="Drone Works", slug="drone-works"))


@pytest.fixture
def producer(indicator) -> Actor:
    return Actor(organization=indicator.responsible)


def test_a_period_goes_open_reported_verified_locked_with_who_and_when(indicator, producer, staff, staff_user):
    period = indicators.open_period(
        actor=staff, indicator_id=indicator.pk, starts_on=TODAY, ends_on=TODAY + datetime.timedelta(days=90), target=250
    )
    assert period.state == PeriodState.OPEN and period.actual is None

    indicators.report_actual(actor=producer, period_id=period.pk, actual=240, source="Factory log Q1")
    period.refresh_from_db()
    assert (period.state, period.actual, period.source) == (PeriodState.REPORTED, 240, "Factory log Q1")
    assert period.reported_by_organization == indicator.responsible and period.reported_by_user is None
    assert period.reported_at is not None and period.verified_at is None

    indicators.verify_period(actor=staff, period_id=period.pk)
    period.refresh_from_db()
    assert period.state == PeriodState.VERIFIED and period.verified_by == staff_user and period.verified_at

    indicators.lock_period(actor=staff, period_id=period.pk)
    period.refresh_from_db()
    assert period.state == PeriodState.LOCKED


def test_a_locked_period_refuses_every_change_until_unlocked_and_history_keeps_the_reason(indicator, staff):
    period = IndicatorPeriodFactory(indicator=indicator)
    indicators.report_actual(actor=staff, period_id=period.pk, actual=100)
    indicators.verify_period(actor=staff, period_id=period.pk)
    indicators.lock_period(actor=staff, period_id=period.pk)

    refused = [
        lambda: indicators.report_actual(actor=staff, period_id=period.pk, actual=999),
        lambda: indicators.update_period(actor=staff, period_id=period.pk, target=5),
        lambda: indicators.verify_period(actor=staff, period_id=period.pk),
        lambda: indicators.lock_period(actor=staff, period_id=period.pk),
        lambda: indicators.delete_period(actor=staff, period_id=period.pk),
        lambda: indicators.delete_indicator(actor=staff, indicator_id=indicator.pk),
        lambda: indicators.update_indicator(actor=staff, indicator_id=indicator.pk, unit="shells"),
    ]
    for attempt in refused:
        with pytest.raises(DomainError) as error:
            attempt()
        assert error.value.code == ErrorCode.PERIOD_LOCKED
    period.refresh_from_db()
    assert (period.state, period.actual, period.target) == (PeriodState.LOCKED, 100, None)

    with pytest.raises(DomainError) as no_reason:
        indicators.unlock_period(actor=staff, period_id=period.pk, reason="  ")
    assert no_reason.value.field == "reason"

    reason = "The producer found 12 drones counted twice in the March log; correcting the figure. " * 2
    indicators.unlock_period(actor=staff, period_id=period.pk, reason=reason)
    indicators.report_actual(actor=staff, period_id=period.pk, actual=88)
    period.refresh_from_db()
    assert (period.state, period.actual) == (PeriodState.REPORTED, 88)
    unlock = period.history.filter(history_change_reason__isnull=False).get()
    assert unlock.history_change_reason == reason.strip() and unlock.state == PeriodState.VERIFIED
    assert unlock.history_user.username == "manager"


def test_only_the_responsible_partner_reports_and_only_until_verified(indicator, producer, staff):
    period = IndicatorPeriodFactory(indicator=indicator)
    other = Actor(organization=PartyFactory(agreement=indicator.agreement).organization)
    with pytest.raises(DomainError) as not_responsible:
        indicators.report_actual(actor=other, period_id=period.pk, actual=5)
    assert not_responsible.value.code == ErrorCode.PERMISSION_DENIED

    indicators.report_actual(actor=producer, period_id=period.pk, actual=5)
    indicators.report_actual(actor=producer, period_id=period.pk, actual=6)  # a correction before verification
    indicators.verify_period(actor=staff, period_id=period.pk)
    with pytest.raises(DomainError) as verified:
        indicators.report_actual(actor=producer, period_id=period.pk, actual=7)
    assert verified.value.code == ErrorCode.TRANSITION_NOT_ALLOWED
    for staff_only in (indicators.verify_period, indicators.lock_period):
        with pytest.raises(DomainError) as denied:
            staff_only(actor=producer, period_id=period.pk)
        assert denied.value.code == ErrorCode.PERMISSION_DENIED
    period.refresh_from_db()
    assert (period.state, period.actual) == (PeriodState.VERIFIED, 6)


def test_steps_cannot_be_skipped(indicator, staff):
    period = IndicatorPeriodFactory(indicator=indicator)
    with pytest.raises(DomainError) as unreported:
        indicators.verify_period(actor=staff, period_id=period.pk)
    assert unreported.value.code == ErrorCode.TRANSITION_NOT_ALLOWED
    indicators.report_actual(actor=staff, period_id=period.pk, actual=1)
    with pytest.raises(DomainError) as unverified:
        indicators.lock_period(actor=staff, period_id=period.pk)
    assert unverified.value.code == ErrorCode.TRANSITION_NOT_ALLOWED
    with pytest.raises(DomainError) as not_locked:
        indicators.unlock_period(actor=staff, period_id=period.pk, reason="Why not")
    assert not_locked.value.code == ErrorCode.TRANSITION_NOT_ALLOWED


def test_periods_of_one_indicator_cannot_overlap_and_end_before_they_start(indicator, staff):
    first = indicators.open_period(
        actor=staff, indicator_id=indicator.pk, starts_on=TODAY, ends_on=TODAY + datetime.timedelta(days=30)
    )
    with pytest.raises(DomainError) as overlap:
        indicators.open_period(actor=staff, indicator_id=indicator.pk, starts_on=first.ends_on, ends_on=first.ends_on)
    assert overlap.value.field == "starts_on"
    with pytest.raises(DomainError) as backwards:
        indicators.open_period(
            actor=staff, indicator_id=indicator.pk, starts_on=TODAY + datetime.timedelta(days=40), ends_on=TODAY
        )
    assert backwards.value.field == "ends_on"
    indicators.open_period(
        actor=staff,
        indicator_id=indicator.pk,
        starts_on=first.ends_on + datetime.timedelta(days=1),
        ends_on=first.ends_on + datetime.timedelta(days=1),
    )
    assert IndicatorPeriod.objects.filter(indicator=indicator).count() == 2


@pytest.mark.postgres
def test_the_database_refuses_overlapping_periods_and_an_inconsistent_state(indicator):
    IndicatorPeriod.objects.create(indicator=indicator, starts_on=TODAY, ends_on=TODAY + datetime.timedelta(days=9))
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorPeriod.objects.create(
            indicator=indicator,
            starts_on=TODAY + datetime.timedelta(days=9),
            ends_on=TODAY + datetime.timedelta(days=20),
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorPeriod.objects.create(
            indicator=indicator,
            starts_on=TODAY + datetime.timedelta(days=50),
            ends_on=TODAY + datetime.timedelta(days=60),
            state=PeriodState.VERIFIED,
            actual=3,
        )


def test_an_indicator_counts_under_its_agreements_capability_and_is_reported_by_a_party(staff):
    agreement = AgreementFactory()
    shells = CapabilityFactory(name="Ammunition", slug="ammunition")
    agreement.capabilities.add(shells)
    producer = PartyFactory(agreement=agreement).organization
    outsider = OrganizationFactory()
    common = {"actor": staff, "agreement_id": agreement.pk, "kind": IndicatorKind.CAPACITY, "unit": "shells"}
    with pytest.raises(DomainError) as not_a_party:
        indicators.create_indicator(**common, title="A", capability=shells, responsible=outsider, target=10)
    assert not_a_party.value.code == ErrorCode.NOT_A_PARTY
    with pytest.raises(DomainError) as other_capability:
        indicators.create_indicator(
            **common, title="A", capability=CapabilityFactory(), responsible=producer, target=10
        )
    assert other_capability.value.field == "capability"
    created = indicators.create_indicator(**common, title="A", capability=shells, responsible=producer, target=10)
    assert (created.capability, created.target, created.baseline) == (shells, 10, 0)
    with pytest.raises(DomainError) as duplicate:
        indicators.create_indicator(**common, title="A", capability=shells, responsible=producer, target=10)
    assert duplicate.value.code == ErrorCode.DUPLICATE
