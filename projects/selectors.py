"""Named reads: funding summaries of an agreement and of the portfolio, aggregated in the database.

Conversions go through the base currency at the latest rate on or before the valuation date.
Amounts in the base currency stay exact (amount x rate needs no rounding), so the portfolio total
is exactly the sum of its agreements; conversion to another currency rounds once, to cents.
"""

from __future__ import annotations

import decimal
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import F, OuterRef, QuerySet, Subquery, Sum
from django.utils import timezone

from projects.choices import CommitmentStatus
from projects.errors import DomainError, ErrorCode
from projects.models import Agreement, Disbursement, ExchangeRate, FundingCommitment

CENT = Decimal("0.01")
ZERO = Decimal("0")
# Enough digits that sums of exact products never round.
EXACT = decimal.Context(prec=60, rounding=decimal.ROUND_HALF_EVEN)


@dataclass(frozen=True)
class FundingSummary:
    """Budget against money: open pledges, firm commitments, disbursements (cancelled count nowhere)."""

    currency: str
    budget: Decimal = ZERO
    pledged: Decimal = ZERO
    committed: Decimal = ZERO
    disbursed: Decimal = ZERO

    @property
    def gap(self) -> Decimal:
        """What firm commitments leave unfunded; pledges are promises, not money."""
        return EXACT.subtract(self.budget, self.committed)

    @property
    def gap_if_pledges_honoured(self) -> Decimal:
        return EXACT.subtract(self.gap, self.pledged)

    @property
    def unfunded_share(self) -> Decimal | None:
        """The gap as a share of the budget (0..1, or beyond when over- or under-committed)."""
        if not self.budget:
            return None
        return EXACT.divide(self.gap, self.budget).quantize(Decimal("0.0001"), context=EXACT)

    def __add__(self, other: FundingSummary) -> FundingSummary:
        if other.currency != self.currency:
            raise ValueError("Add summaries in the same currency only.")
        return FundingSummary(
            self.currency,
            *(EXACT.add(getattr(self, f.name), getattr(other, f.name)) for f in fields(self) if f.name != "currency"),
        )

    def rounded(self) -> FundingSummary:
        """The same figures to the cent, for display."""
        return replace(
            self,
            **{
                f.name: getattr(self, f.name).quantize(CENT, context=EXACT)
                for f in fields(self)
                if f.name != "currency"
            },
        )


@dataclass(frozen=True)
class FunderFunding:
    """What one funder, or the funders of one country, put in (in the base currency)."""

    name: str
    pledged: Decimal = ZERO
    committed: Decimal = ZERO
    disbursed: Decimal = ZERO


@dataclass(frozen=True)
class PortfolioFunding:
    """The portfolio's funding in the base currency, in total and broken down."""

    as_of: date
    total: FundingSummary
    by_agreement: dict[int, FundingSummary]
    by_capability: dict[str, FundingSummary]
    by_funder: dict[str, FunderFunding]
    by_country: dict[str, FunderFunding]


class Rates:
    """Latest rate of every currency on or before a date, loaded in one query."""

    def __init__(self, as_of: date, base: str | None = None):
        self.as_of = as_of
        self.base = base or settings.BASE_CURRENCY
        latest_day = (
            ExchangeRate.objects.filter(currency=OuterRef("currency"), valid_on__lte=as_of)
            .order_by("-valid_on")
            .values("valid_on")[:1]
        )
        self._rates = dict(ExchangeRate.objects.filter(valid_on=Subquery(latest_day)).values_list("currency", "rate"))
        self._rates[self.base] = Decimal("1")

    def rate(self, currency: str) -> Decimal:
        try:
            return self._rates[currency]
        except KeyError:
            raise DomainError(
                ErrorCode.MISSING_RATE,
                f"No exchange rate for {currency} on or before {self.as_of.isoformat()}; add one to convert to "
                f"{self.base}.",
            ) from None

    def to_base(self, amount: Decimal, currency: str) -> Decimal:
        return EXACT.multiply(amount, self.rate(currency))

    def from_base(self, amount: Decimal, currency: str) -> Decimal:
        if currency == self.base:
            return amount
        return EXACT.divide(amount, self.rate(currency)).quantize(CENT, context=EXACT)


MONEY = ("pledged", "committed", "disbursed")


def _money() -> dict[str, Decimal]:
    return dict.fromkeys(MONEY, ZERO)


def _add_into(totals: dict[str, Decimal], figures: dict[str, Decimal]) -> None:
    for key, value in figures.items():
        totals[key] = EXACT.add(totals[key], value)


def _commitment_groups(commitments: QuerySet, *by: str) -> QuerySet:
    return (
        commitments.exclude(status=CommitmentStatus.CANCELLED)
        .values(*by, "currency", "status")
        .annotate(total=Sum("amount"))
        .order_by()
    )


def _disbursement_groups(disbursements: QuerySet, *by: str) -> QuerySet:
    return disbursements.values(*by, currency=F("commitment__currency")).annotate(total=Sum("amount")).order_by()


def _converted(commitment_rows: Iterable[dict], disbursement_rows: Iterable[dict], rates: Rates, *by: str):
    """Each grouped total once, in the base currency: (the `by` values..., kind of money, amount)."""
    for row in commitment_rows:
        yield (*(row[key] for key in by), row["status"], rates.to_base(row["total"], row["currency"]))
    for row in disbursement_rows:
        yield (*(row[f"commitment__{key}"] for key in by), "disbursed", rates.to_base(row["total"], row["currency"]))


def funding_summary(agreement: Agreement, *, currency: str | None = None, as_of: date | None = None) -> FundingSummary:
    """An agreement's funding, in its own currency unless another is asked for (3 queries)."""
    rates = Rates(as_of or timezone.localdate())
    currency = currency or agreement.currency
    money = _money()
    for kind, amount in _converted(
        _commitment_groups(FundingCommitment.objects.filter(agreement=agreement)),
        _disbursement_groups(Disbursement.objects.filter(commitment__agreement=agreement)),
        rates,
    ):
        _add_into(money, {kind: amount})
    budget = rates.to_base(agreement.budget, agreement.currency)
    return FundingSummary(
        currency,
        budget=rates.from_base(budget, currency),
        **{kind: rates.from_base(amount, currency) for kind, amount in money.items()},
    )


def portfolio_funding(agreements: QuerySet | None = None, *, as_of: date | None = None) -> PortfolioFunding:
    """The funding of many agreements in the base currency, in 5 queries whatever their number.

    Each grouped total is converted once and summed into plain dicts; the summaries are built last.
    """
    agreements = Agreement.objects.all() if agreements is None else agreements
    rates = Rates(as_of or timezone.localdate())
    by = ("agreement", "funder__name", "funder__country")
    converted = _converted(
        _commitment_groups(FundingCommitment.objects.filter(agreement__in=agreements), *by),
        _disbursement_groups(
            Disbursement.objects.filter(commitment__agreement__in=agreements), *(f"commitment__{key}" for key in by)
        ),
        rates,
        *by,
    )
    per_agreement, per_funder, per_country = defaultdict(_money), defaultdict(_money), defaultdict(_money)
    for agreement_id, funder, country, kind, amount in converted:
        for totals in (per_agreement[agreement_id], per_funder[funder], per_country[country]):
            totals[kind] = EXACT.add(totals[kind], amount)

    capabilities = defaultdict(list)
    for agreement_id, name in Agreement.capabilities.through.objects.filter(agreement__in=agreements).values_list(
        "agreement_id", "capability__name"
    ):
        capabilities[agreement_id].append(name)

    def with_budget() -> dict[str, Decimal]:
        return {"budget": ZERO, **_money()}

    total, per_capability = with_budget(), defaultdict(with_budget)
    by_agreement: dict[int, FundingSummary] = {}
    for agreement_id, currency, budget in agreements.values_list("pk", "currency", "budget").order_by():
        figures = {"budget": rates.to_base(budget, currency), **per_agreement.get(agreement_id, _money())}
        by_agreement[agreement_id] = FundingSummary(rates.base, **figures)
        _add_into(total, figures)
        for name in capabilities[agreement_id]:
            _add_into(per_capability[name], figures)

    return PortfolioFunding(
        as_of=rates.as_of,
        total=FundingSummary(rates.base, **total),
        by_agreement=by_agreement,
        by_capability={name: FundingSummary(rates.base, **per_capability[name]) for name in sorted(per_capability)},
        by_funder={name: FunderFunding(name, **per_funder[name]) for name in sorted(per_funder)},
        by_country={code: FunderFunding(code, **per_country[code]) for code in sorted(per_country)},
    )
