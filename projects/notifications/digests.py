"""What recipients' digests say: per agreement, what changed in the period and what is coming or late.

Digests are built in batches: one set of queries loads the news of every agreement the batch's
recipients follow (since the earliest of their last digests), and each recipient's digest keeps what
happened since their own. A batch of 2 or 200 digests costs the same queries. The news is read as
rows of the columns the e-mail shows (dicts from `values()`), not as model instances: a batch reads
tens of thousands of rows, and building instances with every column was most of a digest's time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from operator import itemgetter

from django.conf import settings
from django.db.models import F, Max, OuterRef, Q, Subquery
from django.utils import timezone

from projects.alerts.models import Alert
from projects.alerts.selectors import open_alerts_of
from projects.choices import MilestoneStatus
from projects.errors import DomainError, ErrorCode
from projects.models import Agreement, Disbursement, FundingCommitment, Milestone, StatusChange, StatusReport
from projects.notifications.models import Delivery, DeliveryKind, DeliveryStatus, DigestFrequency, Recipient
from projects.notifications.recipients import agreements_by_recipient
from projects.selectors import FundingSummary, portfolio_funding

PERIOD_LENGTH = {DigestFrequency.DAILY: timedelta(days=1), DigestFrequency.WEEKLY: timedelta(days=7)}


@dataclass
class AgreementNews:
    """One agreement's section of a digest: rows of the columns named in `portfolio_news`."""

    agreement: dict
    transitions: list[dict] = field(default_factory=list)
    completed: list[dict] = field(default_factory=list)
    due_soon: list[dict] = field(default_factory=list)
    overdue: list[dict] = field(default_factory=list)
    new_commitments: list[dict] = field(default_factory=list)
    new_disbursements: list[dict] = field(default_factory=list)
    funding: FundingSummary | None = None
    latest_report: dict | None = None
    report_is_new: bool = False
    # The e-mail's rendered text and HTML per language, made once for every digest sharing the section.
    rendered: dict = field(default_factory=dict)

    @property
    def has_news(self) -> bool:
        """Something happened or needs attention; the funding gap and an old report alone are not news."""
        happened = (self.transitions, self.completed, self.new_commitments, self.new_disbursements)
        return self.report_is_new or any(happened) or bool(self.due_soon or self.overdue)


@dataclass
class Digest:
    """A recipient's digest for the period [since, until), with a portfolio headline."""

    recipient: Recipient
    frequency: str
    since: datetime
    until: datetime
    today: date
    due_soon_days: int
    sections: list[AgreementNews]
    agreement_ids: set[int]
    funding_total: FundingSummary | None = None
    funding_error: str = ""
    alerts: list[Alert] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.sections and not self.alerts

    @property
    def agreement_count(self) -> int:
        return len(self.agreement_ids)

    @property
    def overdue_count(self) -> int:
        return sum(len(s.overdue) for s in self.sections)

    @property
    def due_soon_count(self) -> int:
        return sum(len(s.due_soon) for s in self.sections)


@dataclass
class PortfolioNews:
    """Everything that happened to a set of agreements since a moment, and what is due or late today."""

    until: datetime
    today: date
    agreements: dict[int, dict]
    reports: dict[int, dict]
    transitions: dict[int, list[dict]]
    milestones: dict[int, list[dict]]
    commitments: dict[int, list[dict]]
    disbursements: dict[int, list[dict]]
    sections: dict[tuple[int, datetime], AgreementNews] = field(default_factory=dict)

    def section(self, agreement_id: int, since: datetime) -> AgreementNews:
        """One agreement's news as seen by a recipient whose last digest went out at `since`.

        Built once per agreement and moment: recipients who follow the same agreement since the same
        moment (a first digest, or digests sent by the same run) share the section and its rendering.
        """
        key = (agreement_id, since)
        if key not in self.sections:
            self.sections[key] = self._section(agreement_id, since)
        return self.sections[key]

    def _section(self, agreement_id: int, since: datetime) -> AgreementNews:
        report = self.reports.get(agreement_id)
        section = AgreementNews(
            self.agreements[agreement_id],
            transitions=[c for c in self.transitions[agreement_id] if c["changed_at"] >= since],
            new_commitments=[c for c in self.commitments[agreement_id] if c["created_at"] >= since],
            new_disbursements=[d for d in self.disbursements[agreement_id] if d["created_at"] >= since],
            latest_report=report,
            report_is_new=report is not None and since <= report["created_at"] < self.until,
        )
        first_day = timezone.localdate(since)
        for milestone in self.milestones[agreement_id]:
            if milestone["status"] == MilestoneStatus.DONE:
                if milestone["completed_on"] >= first_day:
                    section.completed.append(milestone)
            elif milestone["due_on"] < self.today:
                section.overdue.append(milestone)
            else:
                section.due_soon.append(milestone)
        return section


def last_digests_sent(recipients: Sequence[Recipient], until: datetime) -> dict[int, datetime]:
    """When each recipient's last digest went out before `until` (absent for a first digest)."""
    sent = Delivery.objects.filter(
        recipient__in=[r.pk for r in recipients],
        kind=DeliveryKind.DIGEST,
        status=DeliveryStatus.SENT,
        sent_at__lt=until,
    )
    return dict(sent.values("recipient_id").annotate(last=Max("sent_at")).values_list("recipient_id", "last"))


def digest_since(last_sent: datetime | None, frequency: str, until: datetime) -> datetime:
    """Since the last digest sent to this recipient, or one period back for a first digest."""
    return last_sent or until - PERIOD_LENGTH.get(frequency, PERIOD_LENGTH[DigestFrequency.WEEKLY])


def portfolio_news(agreement_ids: set[int], *, since: datetime, until: datetime) -> PortfolioNews:
    """The agreements' news in [since, until) and their open milestones due soon or late: 7 queries."""
    today = timezone.localdate(until)
    latest_report = StatusReport.objects.filter(agreement=OuterRef("pk")).order_by("-reported_on", "-pk")
    agreements = Agreement.objects.filter(pk__among=agreement_ids).annotate(
        latest_report_id=Subquery(latest_report.values("pk")[:1])
    )
    agreements = {
        a["pk"]: a
        for a in agreements.values(
            "pk", "reference", "title", "title_uk", "status", "programme_manager_id", "latest_report_id"
        )
    }
    report_ids = [a["latest_report_id"] for a in agreements.values() if a["latest_report_id"]]
    reports = StatusReport.objects.filter(pk__among=report_ids).values(
        "agreement_id", "reported_on", "rag", "summary", "created_at"
    )
    within = {"created_at__gte": since, "created_at__lt": until}
    due_soon = today + timedelta(days=settings.NOTIFICATIONS_DUE_SOON_DAYS)
    milestones = Milestone.objects.filter(agreement_id__among=agreement_ids).filter(
        Q(status=MilestoneStatus.DONE, completed_on__gte=timezone.localdate(since), completed_on__lte=today)
        | Q(due_on__lte=due_soon) & ~Q(status__in=(MilestoneStatus.DONE, MilestoneStatus.CANCELLED))
    )
    return PortfolioNews(
        until=until,
        today=today,
        agreements=agreements,
        reports={report["agreement_id"]: report for report in reports},
        transitions=_by_agreement(
            StatusChange.objects.filter(agreement_id__among=agreement_ids, changed_at__gte=since, changed_at__lt=until)
            .order_by("changed_at", "pk")
            .values("agreement_id", "from_status", "to_status", "changed_at", "reason")
        ),
        milestones=_by_agreement(
            milestones.order_by("due_on", "pk").values(
                "pk",
                "agreement_id",
                "title",
                "status",
                "due_on",
                "completed_on",
                "target_quantity",
                "actual_quantity",
                "unit",
                responsible_name=F("responsible__name"),
                responsible_name_uk=F("responsible__name_uk"),
            )
        ),
        commitments=_by_agreement(
            FundingCommitment.objects.filter(agreement_id__among=agreement_ids, **within)
            .order_by("created_at", "pk")
            .values(
                "agreement_id",
                "created_at",
                "amount",
                "currency",
                "status",
                funder_name=F("funder__name"),
                funder_name_uk=F("funder__name_uk"),
            )
        ),
        disbursements=_by_agreement(
            Disbursement.objects.filter(commitment__agreement_id__among=agreement_ids, **within)
            .order_by("created_at", "pk")
            .values(
                "created_at",
                "amount",
                "disbursed_on",
                agreement_id=F("commitment__agreement_id"),
                currency=F("commitment__currency"),
                funder_name=F("commitment__funder__name"),
                funder_name_uk=F("commitment__funder__name_uk"),
            )
        ),
    )


def _by_agreement(rows) -> defaultdict[int, list[dict]]:
    grouped = defaultdict(list)
    key = itemgetter("agreement_id")
    for row in rows:
        grouped[key(row)].append(row)
    return grouped


def build_digests(wanted: Sequence[tuple[Recipient, str]], *, until: datetime | None = None) -> list[Digest]:
    """Each (recipient, frequency)'s digest, in order; agreements without news are left out.

    A fixed number of queries for the whole batch: the recipients' last digests and agreements, the
    news of all those agreements, and the portfolio funding once.
    """
    until = until or timezone.now()
    recipients = [recipient for recipient, _ in wanted]
    last_sent = last_digests_sent(recipients, until)
    following = agreements_by_recipient(recipients)
    since = {r.pk: digest_since(last_sent.get(r.pk), frequency, until) for r, frequency in wanted}
    everything = set().union(*following.values())
    news = portfolio_news(everything, since=min(since.values(), default=until), until=until)
    digests = [
        Digest(
            recipient,
            frequency,
            since[recipient.pk],
            until,
            news.today,
            settings.NOTIFICATIONS_DUE_SOON_DAYS,
            sections=_sections(news, following[recipient.pk], since[recipient.pk]),
            agreement_ids=following[recipient.pk],
        )
        for recipient, frequency in wanted
    ]
    add_alerts(digests, news)
    add_funding([digest for digest in digests if not digest.is_empty], news.today)
    return digests


def add_alerts(digests: list[Digest], news: PortfolioNews) -> None:
    """Open alerts go to the programme manager of their agreement: one query for the whole batch."""
    by_manager = defaultdict(list)
    for digest in digests:
        if digest.recipient.user_id is not None:
            by_manager[digest.recipient.user_id].append(digest)
    managed = {pk for pk, agreement in news.agreements.items() if agreement["programme_manager_id"] in by_manager}
    for alert in open_alerts_of(managed).select_related("agreement"):
        for digest in by_manager[news.agreements[alert.agreement_id]["programme_manager_id"]]:
            digest.alerts.append(alert)


def _sections(news: PortfolioNews, agreement_ids: set[int], since: datetime) -> list[AgreementNews]:
    sections = (news.section(pk, since) for pk in agreement_ids)
    return sorted((s for s in sections if s.has_news), key=lambda s: s.agreement["reference"])


def add_funding(digests: list[Digest], today: date) -> None:
    """The funding of every agreement the digests cover, computed once and summed per recipient.

    A missing exchange rate fails the whole batch's computation; then each digest is computed on its
    own, so only the recipients following the agreement without a rate lose their figures.
    """
    covered = set().union(*(digest.agreement_ids for digest in digests))
    if not covered:
        return
    try:
        funding = portfolio_funding(Q(pk__among=covered), as_of=today, by=("agreement",)).by_agreement
    except DomainError as exc:
        if exc.code != ErrorCode.MISSING_RATE:
            raise
        if len(digests) == 1:
            digests[0].funding_error = exc.message
        else:
            for digest in digests:
                add_funding([digest], today)
        return
    for digest in digests:
        figures = [funding[pk] for pk in digest.agreement_ids]
        digest.funding_total = sum(figures[1:], figures[0])
        for section in digest.sections:
            section.funding = funding[section.agreement["pk"]]
