"""Agreements as the pages and digests read them: annotated rows, the portfolio, the RAG distribution.

Each is a fixed number of queries whatever the size of the portfolio.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from projects.choices import AgreementStatus, Rag
from projects.models import (
    Agreement,
    AgreementParty,
    Disbursement,
    FundingCommitment,
    Indicator,
    IndicatorPeriod,
    Milestone,
    StatusReport,
    Tranche,
)
from projects.models.provenance import REPORTERS

NO_REPORT = "none"


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


# The agreements the dashboard adds up and lists: terminated ones no longer need funding or attention.
IN_PORTFOLIO = ~Q(status=AgreementStatus.TERMINATED)

Scope = QuerySet | Q | None


def in_scope(agreements: Scope) -> Q:
    """Which agreements a read covers: a condition on their own fields (met through the join to the agreement
    the read makes anyway, the fastest), or any queryset of them; None for all of them."""
    if agreements is None:
        return Q()
    return agreements if isinstance(agreements, Q) else Q(pk__in=agreements)


def reached_through(condition: Q, path: str) -> Q:
    """The same condition on agreements, asked of rows that reach their agreement through `path`."""
    children = [
        reached_through(child, path) if isinstance(child, Q) else (f"{path}{child[0]}", child[1])
        for child in condition.children
    ]
    return Q(*children, _connector=condition.connector, _negated=condition.negated)


@dataclass(frozen=True)
class RagCount:
    rag: str
    label: str
    count: int


def rag_distribution(agreements: Scope) -> list[RagCount]:
    """How many agreements stand at each RAG by their latest status report (two queries).

    The latest report is the one no other report of its agreement follows (by date, then by id, as in
    `agreement_rows`): one pass over the reports, not a lookup per agreement.
    """
    scope = in_scope(agreements)
    later = StatusReport.objects.filter(agreement=OuterRef("agreement")).filter(
        Q(reported_on__gt=OuterRef("reported_on")) | Q(reported_on=OuterRef("reported_on"), pk__gt=OuterRef("pk"))
    )
    latest = StatusReport.objects.filter(reached_through(scope, "agreement__")).exclude(Exists(later))
    counts = dict(latest.values_list("rag").annotate(n=Count("pk")).order_by())
    counts[NO_REPORT] = Agreement.objects.filter(scope).count() - sum(counts.values())
    return [
        RagCount(value, label, counts.get(value, 0)) for value, label in [*Rag.choices, (NO_REPORT, _("No report"))]
    ]


def agreement_page_queryset() -> QuerySet[Agreement]:
    """One agreement with everything its page lists, prefetched (a fixed number of queries)."""
    return Agreement.objects.select_related("programme_manager").prefetch_related(
        "capabilities",
        Prefetch("parties", queryset=AgreementParty.objects.select_related("organization")),
        Prefetch(
            "commitments",
            queryset=FundingCommitment.objects.select_related(*REPORTERS, "funder").prefetch_related(
                Prefetch("disbursements", queryset=Disbursement.objects.select_related(*REPORTERS)), "tranches"
            ),
        ),
        Prefetch(
            "milestones",
            queryset=Milestone.objects.select_related("responsible", "owner").prefetch_related(
                Prefetch("tranches", queryset=Tranche.objects.select_related("commitment__funder"))
            ),
        ),
        Prefetch("status_reports", queryset=StatusReport.objects.select_related("author", "author_organization")),
        Prefetch(
            "indicators",
            queryset=Indicator.objects.select_related("capability", "responsible").prefetch_related(
                Prefetch(
                    "periods",
                    queryset=IndicatorPeriod.objects.select_related(*REPORTERS),
                )
            ),
        ),
    )


@dataclass(frozen=True)
class CapabilityCounts:
    """How many agreements a breakdown by capability counts more than once (`several`) or not at all (`none`)."""

    several: int
    none: int


def capability_counts(agreements: Scope) -> CapabilityCounts:
    """One query: agreements with several capabilities, and with none."""
    links = (
        Agreement.capabilities.through.objects.filter(agreement=OuterRef("pk"))
        .order_by()
        .values("agreement")
        .annotate(n=Count("pk"))
        .values("n")
    )
    counts = (
        Agreement.objects.filter(in_scope(agreements))
        .annotate(links=Coalesce(Subquery(links, output_field=IntegerField()), 0))
        .aggregate(several=Count("pk", filter=Q(links__gt=1)), none=Count("pk", filter=Q(links=0)))
    )
    return CapabilityCounts(counts["several"], counts["none"])
