"""Reads the pages share: agreements annotated with their latest RAG and late milestones, and dashboard lists.

Each is a fixed number of queries whatever the size of the portfolio.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from projects.choices import AgreementStatus, Rag
from projects.models import Agreement, AgreementParty, FundingCommitment, Milestone, StatusReport

NO_REPORT = "none"
DUE_SOON_DAYS = 30
DASHBOARD_LIST_LENGTH = 10


def agreement_rows(today: date) -> QuerySet[Agreement]:
    """Agreements with `latest_rag`, `overdue_count` and `next_due`, ready for listing."""
    latest_report = StatusReport.objects.filter(agreement=OuterRef("pk")).order_by("-reported_on", "-pk")
    overdue = (
        Milestone.objects.overdue(today)
        .filter(agreement=OuterRef("pk"))
        .order_by()
        .values("agreement")
        .annotate(n=Count("pk"))
        .values("n")
    )
    next_due = Milestone.objects.open().filter(agreement=OuterRef("pk")).order_by("due_on").values("due_on")[:1]
    return Agreement.objects.annotate(
        latest_rag=Coalesce(Subquery(latest_report.values("rag")[:1]), Value(NO_REPORT)),
        overdue_count=Coalesce(Subquery(overdue, output_field=IntegerField()), 0),
        next_due=Subquery(next_due),
    ).prefetch_related("capabilities")


def portfolio_agreements() -> QuerySet[Agreement]:
    """The agreements the dashboard adds up: terminated ones no longer need funding."""
    return Agreement.objects.exclude(status=AgreementStatus.TERMINATED)


@dataclass(frozen=True)
class RagCount:
    rag: str
    label: str
    count: int


def rag_distribution(agreements: QuerySet[Agreement], today: date) -> list[RagCount]:
    """How many agreements stand at each RAG by their latest status report (one query)."""
    counts = dict(
        agreement_rows(today)
        .filter(pk__in=agreements.values("pk"))
        .order_by()
        .values_list("latest_rag")
        .annotate(n=Count("pk"))
    )
    return [RagCount(value, label, counts.get(value, 0)) for value, label in [*Rag.choices, (NO_REPORT, "No report")]]


def late_and_due_milestones(agreements: QuerySet[Agreement], today: date) -> dict:
    """The first overdue milestones and those due in the next 30 days, with their totals (four queries)."""
    base = Milestone.objects.filter(agreement__in=agreements.values("pk")).select_related("agreement", "responsible")
    overdue = base.overdue(today).order_by("due_on", "pk")
    due_soon = base.open().filter(due_on__gte=today, due_on__lte=today + timedelta(days=DUE_SOON_DAYS))
    due_soon = due_soon.order_by("due_on", "pk")
    return {
        "overdue": list(overdue[:DASHBOARD_LIST_LENGTH]),
        "overdue_total": overdue.count(),
        "due_soon": list(due_soon[:DASHBOARD_LIST_LENGTH]),
        "due_soon_total": due_soon.count(),
        "due_soon_days": DUE_SOON_DAYS,
    }


def agreement_page_queryset() -> QuerySet[Agreement]:
    """One agreement with everything its page lists, prefetched (a fixed number of queries)."""
    return Agreement.objects.select_related("programme_manager").prefetch_related(
        "capabilities",
        Prefetch("parties", queryset=AgreementParty.objects.select_related("organization")),
        Prefetch(
            "commitments",
            queryset=FundingCommitment.objects.select_related("funder").prefetch_related("disbursements"),
        ),
        Prefetch("milestones", queryset=Milestone.objects.select_related("responsible", "owner")),
        Prefetch("status_reports", queryset=StatusReport.objects.select_related("author", "author_organization")),
    )
