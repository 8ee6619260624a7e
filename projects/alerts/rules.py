"""What each alert rule looks for: the occurrences of its condition on a day, one query per rule.

An occurrence is named by the rule's kind, its subject and the day the rule's days count from, so a
new episode (a new report that goes stale in turn, a milestone given a new due date) is a new alert,
while the same episode seen again on later days is the same one.

A further kind is one more function here, registered in `RULES`, its choice in `AlertKind` and its
words in `labels.LABELS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Exists, Max, OuterRef, Subquery
from django.utils import timezone

from projects.alerts.models import AlertKind
from projects.choices import AgreementStatus, ChangeState, CommitmentStatus, PeriodState
from projects.models import (
    Agreement,
    ChangeRequest,
    Disbursement,
    FundingCommitment,
    IndicatorPeriod,
    Milestone,
    StatusChange,
)
from projects.selectors import IN_PORTFOLIO
from projects.selectors.agreements import reached_through

IN_AGREEMENTS_IN_PORTFOLIO = reached_through(IN_PORTFOLIO, "agreement__")
IN_INDICATORS_IN_PORTFOLIO = reached_through(IN_PORTFOLIO, "indicator__agreement__")


@dataclass(frozen=True)
class Occurrence:
    """A rule's condition holding for one subject, counted from `since`."""

    kind: str
    subject: object
    agreement_id: int
    since: date
    facts: dict  # what the alert shows about its subject, as data (see `labels`)

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.subject.pk}:{self.since.isoformat()}"


def undisbursed_commitments(today: date, days: int) -> list[Occurrence]:
    """Firm commitments with nothing paid `days` or more after they became firm.

    A commitment created firm counts from its own date (`pledged_on`); one confirmed later from the day
    its history first shows it committed.
    """
    history = FundingCommitment.history.model.objects.filter(
        id=OuterRef("pk"), status=CommitmentStatus.COMMITTED
    ).order_by("history_date", "history_id")
    commitments = (
        FundingCommitment.objects.filter(status=CommitmentStatus.COMMITTED)
        .filter(IN_AGREEMENTS_IN_PORTFOLIO)
        .filter(~Exists(Disbursement.objects.filter(commitment=OuterRef("pk"))))
        .annotate(
            committed_at=Subquery(history.values("history_date")[:1]),
            committed_how=Subquery(history.values("history_type")[:1]),
        )
        .select_related("funder")
        .order_by("pk")
    )
    found = []
    for commitment in commitments:
        since = commitment.pledged_on
        if commitment.committed_how == "~" and commitment.committed_at is not None:
            since = max(since, timezone.localdate(commitment.committed_at))
        if (today - since).days >= days:
            facts = {
                "funder": commitment.funder.name,
                "funder_uk": commitment.funder.name_uk,
                "amount": str(commitment.amount),
                "currency": commitment.currency,
            }
            found.append(
                Occurrence(AlertKind.UNDISBURSED_COMMITMENT, commitment, commitment.agreement_id, since, facts)
            )
    return found


def missing_status_reports(today: date, days: int) -> list[Occurrence]:
    """Active agreements whose last status report is `days` days old or more; one never reported on counts
    from the day it became active (its start date when no move to active is recorded)."""
    activated = StatusChange.objects.filter(agreement=OuterRef("pk"), to_status=AgreementStatus.ACTIVE)
    agreements = (
        Agreement.objects.filter(status=AgreementStatus.ACTIVE)
        .annotate(
            last_report_on=Max("status_reports__reported_on"),
            activated_at=Subquery(activated.order_by("-changed_at", "-pk").values("changed_at")[:1]),
        )
        .order_by("pk")
    )
    found = []
    for agreement in agreements:
        since = agreement.last_report_on or (
            timezone.localdate(agreement.activated_at)
            if agreement.activated_at
            else agreement.starts_on or timezone.localdate(agreement.created_at)
        )
        if (today - since).days >= days:
            facts = {"reference": agreement.reference, "title": agreement.title, "title_uk": agreement.title_uk}
            found.append(Occurrence(AlertKind.MISSING_STATUS_REPORT, agreement, agreement.pk, since, facts))
    return found


def overdue_milestones(today: date, days: int) -> list[Occurrence]:
    """Open milestones overdue by more than `days` days, counted from their due date."""
    milestones = (
        Milestone.objects.open()
        .filter(IN_AGREEMENTS_IN_PORTFOLIO, due_on__lt=today - timedelta(days=days))
        .order_by("pk")
    )
    return [
        Occurrence(
            AlertKind.OVERDUE_MILESTONE, milestone, milestone.agreement_id, milestone.due_on, {"title": milestone.title}
        )
        for milestone in milestones
    ]


def periods_without_actual(today: date, days: int) -> list[Occurrence]:
    """Indicator periods still open (no actual reported) more than `days` days after they ended."""
    periods = (
        IndicatorPeriod.objects.filter(state=PeriodState.OPEN, actual__isnull=True)
        .filter(IN_INDICATORS_IN_PORTFOLIO, ends_on__lt=today - timedelta(days=days))
        .select_related("indicator")
        .order_by("pk")
    )
    return [
        Occurrence(
            AlertKind.PERIOD_WITHOUT_ACTUAL,
            period,
            period.indicator.agreement_id,
            period.ends_on,
            {
                "indicator": period.indicator.title,
                "starts_on": period.starts_on.isoformat(),
                "ends_on": period.ends_on.isoformat(),
            },
        )
        for period in periods
    ]


def waiting_change_requests(today: date, days: int) -> list[Occurrence]:
    """Change requests still pending more than `days` days after the day they were proposed (local time)."""
    requests = ChangeRequest.objects.filter(
        state=ChangeState.PENDING, created_at__date__lt=today - timedelta(days=days)
    ).order_by("pk")
    return [
        Occurrence(
            AlertKind.WAITING_CHANGE_REQUEST,
            request,
            request.agreement_id,
            timezone.localdate(request.created_at),
            {"number": request.pk, "operation": request.operation, "target": request.target, "reason": request.reason},
        )
        for request in requests
    ]


RULES: dict[str, Callable[[date, int], list[Occurrence]]] = {
    AlertKind.UNDISBURSED_COMMITMENT: undisbursed_commitments,
    AlertKind.MISSING_STATUS_REPORT: missing_status_reports,
    AlertKind.OVERDUE_MILESTONE: overdue_milestones,
    AlertKind.PERIOD_WITHOUT_ACTUAL: periods_without_actual,
    AlertKind.WAITING_CHANGE_REQUEST: waiting_change_requests,
}
