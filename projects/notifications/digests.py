"""What a recipient's digest says: per agreement, what changed in the period and what is coming or late.

Built in a fixed number of queries whatever the number of agreements, so a digest for a busy
programme manager costs the same as one for a contact with a single agreement.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from projects.choices import MilestoneStatus
from projects.errors import DomainError, ErrorCode
from projects.models import Agreement, Disbursement, FundingCommitment, Milestone, StatusChange, StatusReport
from projects.notifications.models import DeliveryKind, DeliveryStatus, DigestFrequency, Recipient
from projects.notifications.recipients import recipient_agreements
from projects.selectors import FundingSummary, portfolio_funding

PERIOD_LENGTH = {DigestFrequency.DAILY: timedelta(days=1), DigestFrequency.WEEKLY: timedelta(days=7)}


@dataclass
class AgreementNews:
    """One agreement's section of a digest."""

    agreement: Agreement
    transitions: list[StatusChange] = field(default_factory=list)
    completed: list[Milestone] = field(default_factory=list)
    due_soon: list[Milestone] = field(default_factory=list)
    overdue: list[Milestone] = field(default_factory=list)
    new_commitments: list[FundingCommitment] = field(default_factory=list)
    new_disbursements: list[Disbursement] = field(default_factory=list)
    funding: FundingSummary | None = None
    latest_report: StatusReport | None = None
    report_is_new: bool = False

    @property
    def has_news(self) -> bool:
        """Something happened or needs attention; the funding gap and an old report alone are not news."""
        return (
            any(
                (
                    self.transitions,
                    self.completed,
                    self.due_soon,
                    self.overdue,
                    self.new_commitments,
                    self.new_disbursements,
                )
            )
            or self.report_is_new
        )


@dataclass
class Digest:
    """A recipient's digest for the period [since, until), with a portfolio headline."""

    recipient: Recipient
    since: datetime
    until: datetime
    today: date
    due_soon_days: int
    sections: list[AgreementNews]
    agreement_count: int
    funding_total: FundingSummary | None
    funding_error: str = ""

    @property
    def is_empty(self) -> bool:
        return not self.sections

    @property
    def overdue_count(self) -> int:
        return sum(len(s.overdue) for s in self.sections)

    @property
    def due_soon_count(self) -> int:
        return sum(len(s.due_soon) for s in self.sections)


def digest_since(recipient: Recipient, frequency: str, until: datetime) -> datetime:
    """Since the last digest sent to this recipient, or one period back for a first digest."""
    last = (
        recipient.deliveries.filter(kind=DeliveryKind.DIGEST, status=DeliveryStatus.SENT, sent_at__lt=until)
        .order_by("-sent_at")
        .values_list("sent_at", flat=True)
        .first()
    )
    return last or until - PERIOD_LENGTH.get(frequency, PERIOD_LENGTH[DigestFrequency.WEEKLY])


def build_digest(recipient: Recipient, *, since: datetime, until: datetime | None = None) -> Digest:
    """Collect each of the recipient's agreements' news; agreements with none are left out."""
    until = until or timezone.now()
    today = timezone.localdate(until)
    due_soon_days = settings.NOTIFICATIONS_DUE_SOON_DAYS
    latest_report = StatusReport.objects.filter(agreement=OuterRef("pk")).order_by("-reported_on", "-pk")
    agreements = list(
        recipient_agreements(recipient)
        .annotate(latest_report_id=Subquery(latest_report.values("pk")[:1]))
        .order_by("reference")
    )
    sections = {a.pk: AgreementNews(a) for a in agreements}
    ids = list(sections)

    reports = StatusReport.objects.in_bulk([a.latest_report_id for a in agreements if a.latest_report_id])
    for agreement in agreements:
        report = reports.get(agreement.latest_report_id)
        sections[agreement.pk].latest_report = report
        sections[agreement.pk].report_is_new = report is not None and since <= report.created_at < until

    changes = StatusChange.objects.filter(agreement_id__in=ids, changed_at__gte=since, changed_at__lt=until)
    for change in changes.select_related("changed_by", "changed_by_organization").order_by("changed_at", "pk"):
        sections[change.agreement_id].transitions.append(change)

    milestones = (
        Milestone.objects.filter(agreement_id__in=ids)
        .filter(
            Q(status=MilestoneStatus.DONE, completed_on__gte=timezone.localdate(since), completed_on__lte=today)
            | Q(due_on__lte=today + timedelta(days=due_soon_days))
            & ~Q(status__in=(MilestoneStatus.DONE, MilestoneStatus.CANCELLED))
        )
        .select_related("responsible", "owner")
        .order_by("due_on", "pk")
    )
    for milestone in milestones:
        section = sections[milestone.agreement_id]
        if milestone.status == MilestoneStatus.DONE:
            section.completed.append(milestone)
        elif milestone.due_on < today:
            section.overdue.append(milestone)
        else:
            section.due_soon.append(milestone)

    commitments = FundingCommitment.objects.filter(agreement_id__in=ids, created_at__gte=since, created_at__lt=until)
    for commitment in commitments.select_related("funder").order_by("created_at", "pk"):
        sections[commitment.agreement_id].new_commitments.append(commitment)
    disbursements = Disbursement.objects.filter(
        commitment__agreement_id__in=ids, created_at__gte=since, created_at__lt=until
    )
    for disbursement in disbursements.select_related("commitment__funder").order_by("created_at", "pk"):
        sections[disbursement.commitment.agreement_id].new_disbursements.append(disbursement)

    news = [s for s in sections.values() if s.has_news]
    funding_total, funding_error = None, ""
    if news:
        try:
            funding = portfolio_funding(Agreement.objects.filter(pk__in=ids), as_of=today)
        except DomainError as exc:
            if exc.code != ErrorCode.MISSING_RATE:
                raise
            funding_error = exc.message
        else:
            funding_total = funding.total
            for section in news:
                section.funding = funding.by_agreement[section.agreement.pk]
    return Digest(recipient, since, until, today, due_soon_days, news, len(ids), funding_total, funding_error)
