"""The agreements list as a spreadsheet: the filtered list, all pages, with its money in both currencies.

Figures come from the portfolio selector, in a fixed number of queries whatever the number of rows. An
agreement whose money cannot be converted (an exchange rate is missing) is still exported: its base-currency
cells stay empty and `conversion_note` says which rate to add, so one row never fails the whole export.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.utils import timezone
from django.views import View

from projects.errors import DomainError
from projects.models import Agreement, FundingCommitment
from projects.selectors import FundingSummary, Rates, portfolio_funding
from projects.web.agreements import filtered_agreements
from projects.web.sheet_files import SHEET_TYPES, sheet_response

MONEY = ("pledged", "committed", "disbursed", "gap")


def headers(base: str) -> list[str]:
    return [
        "reference",
        "title",
        "kind",
        "status",
        "currency",
        "budget",
        *MONEY,
        *(f"{name}_{base}" for name in ("budget", *MONEY)),
        "conversion_note",
        "signed_on",
        "starts_on",
        "ends_on",
        "capabilities",
        "latest_rag",
        "overdue_milestones",
        "next_due",
        "summary",
    ]


def conversion_problems(agreements: list[Agreement], rates: Rates) -> dict[int, str]:
    """Why each agreement that cannot be converted cannot: the first currency without a rate (one query)."""
    currencies = defaultdict(set)
    for agreement in agreements:
        currencies[agreement.pk].add(agreement.currency)
    commitments = FundingCommitment.objects.filter(agreement__in=[a.pk for a in agreements])
    for agreement_id, currency in commitments.values_list("agreement_id", "currency").distinct().order_by():
        currencies[agreement_id].add(currency)
    problems = {}
    for agreement_id, needed in currencies.items():
        for currency in sorted(needed):
            try:
                rates.rate(currency)
            except DomainError as exc:
                problems[agreement_id] = exc.message
                break
    return problems


def in_own_currency(agreement: Agreement, base: FundingSummary, rates: Rates) -> FundingSummary:
    """The base-currency figures back in the agreement's currency, as the agreement page shows them."""
    return FundingSummary(
        agreement.currency,
        budget=agreement.budget,
        **{name: rates.from_base(getattr(base, name), agreement.currency) for name in MONEY if name != "gap"},
    ).rounded()


def money_cells(agreement: Agreement, base: FundingSummary | None, rates: Rates) -> list:
    if base is None:
        return [None] * (len(MONEY) + 1 + len(MONEY))
    own, base = in_own_currency(agreement, base, rates), base.rounded()
    return [*(getattr(own, name) for name in MONEY), *(getattr(base, name) for name in ("budget", *MONEY))]


def export_rows(agreements: list[Agreement], as_of: date) -> list[list]:
    rates = Rates(as_of)
    problems = conversion_problems(agreements, rates)
    convertible = Agreement.objects.filter(pk__in=[a.pk for a in agreements if a.pk not in problems])
    funding = portfolio_funding(convertible, as_of=as_of, by=("agreement",)).by_agreement
    return [
        [
            agreement.reference,
            agreement.title,
            agreement.kind,
            agreement.status,
            agreement.currency,
            agreement.budget,
            *money_cells(agreement, funding.get(agreement.pk), rates),
            problems.get(agreement.pk, ""),
            agreement.signed_on,
            agreement.starts_on,
            agreement.ends_on,
            ", ".join(capability.slug for capability in agreement.capabilities.all()),
            agreement.latest_rag,
            agreement.overdue_count,
            agreement.next_due,
            agreement.summary,
        ]
        for agreement in agreements
    ]


class AgreementExportView(LoginRequiredMixin, View):
    """The filtered list as CSV or XLSX, all pages, with exact figures."""

    def get(self, request, file_type: str):
        if file_type not in SHEET_TYPES:
            raise Http404
        today = timezone.localdate()
        rows = export_rows(list(filtered_agreements(request).qs), today)
        return sheet_response(f"agreements-{today.isoformat()}", file_type, headers(settings.BASE_CURRENCY), rows)
