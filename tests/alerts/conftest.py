"""Data that meets each alert rule's condition from a chosen day on."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

import time_machine

from projects.choices import AgreementStatus
from projects.models import Agreement, ChangeRequest, FundingCommitment, IndicatorPeriod, Milestone
from tests.factories import (
    AgreementFactory,
    ChangeRequestFactory,
    CommitmentFactory,
    IndicatorFactory,
    IndicatorPeriodFactory,
    MilestoneFactory,
    StatusReportFactory,
)

DAY = datetime.timedelta(days=1)


def at_six(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(6), tzinfo=datetime.UTC)


@dataclass
class Watched:
    """An active agreement with a commitment, a report and a milestone that each go stale on `day`."""

    agreement: Agreement
    commitment: FundingCommitment
    milestone: Milestone


def watched_from(day: datetime.date, reference: str = "UA-GB-2026-001") -> Watched:
    """Defaults: undisbursed 60 days on `day`, no report for 45 days on `day`, overdue by 15 (> 14) on `day`."""
    with time_machine.travel(at_six(day - 90 * DAY), tick=False):
        agreement = AgreementFactory(
            reference=reference,
            status=AgreementStatus.ACTIVE,
            signed_on=day - 210 * DAY,
            starts_on=day - 200 * DAY,
            ends_on=day + 300 * DAY,
        )
        commitment = CommitmentFactory(agreement=agreement, amount=Decimal("250000.00"), pledged_on=day - 60 * DAY)
        StatusReportFactory(agreement=agreement, reported_on=day - 45 * DAY)
        milestone = MilestoneFactory(agreement=agreement, title="Line acceptance", due_on=day - 15 * DAY)
    return Watched(agreement, commitment, milestone)


@dataclass
class Waiting:
    """An indicator period without an actual and a pending change request that go stale on a chosen day."""

    period: IndicatorPeriod
    change_request: ChangeRequest


def waiting_from(day: datetime.date, agreement: Agreement) -> Waiting:
    """Defaults (7 days each): the period ended 8 days before `day`, the request was proposed 8 days before."""
    with time_machine.travel(at_six(day - 8 * DAY), tick=False):
        indicator = IndicatorFactory(agreement=agreement, title="Line 2 capacity")
        period = IndicatorPeriodFactory(indicator=indicator, starts_on=day - 100 * DAY, ends_on=day - 8 * DAY)
        change_request = ChangeRequestFactory(agreement=agreement, reason="A second production line")
    return Waiting(period, change_request)
