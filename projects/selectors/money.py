"""Money as the summaries show it: exact Decimal figures, and exchange rates to the base currency.

Amounts in the base currency stay exact (amount x rate needs no rounding), so the portfolio total
is exactly the sum of its parts; conversion to another currency rounds once, to cents.
"""

from __future__ import annotations

import decimal
from dataclasses import dataclass, fields, replace
from datetime import date
from decimal import Decimal
from functools import reduce

from django.conf import settings
from django.db.models import OuterRef, Subquery

from projects.errors import DomainError, ErrorCode
from projects.models import ExchangeRate

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
    released: Decimal = ZERO
    paid_from_tranches: Decimal = ZERO

    @property
    def released_not_disbursed(self) -> Decimal:
        """Money released in tranches and not yet paid from them: what a funder owes now."""
        return EXACT.subtract(self.released, self.paid_from_tranches)

    @property
    def gap(self) -> Decimal:
        """What firm commitments leave unfunded; pledges are promises, not money."""
        return EXACT.subtract(self.budget, self.committed)

    @property
    def coverage(self) -> Decimal | None:
        """Committed ÷ budget: the share of the budget firmly funded (the rest is the unfunded share)."""
        if not self.budget:
            return None
        return EXACT.divide(self.committed, self.budget).quantize(Decimal("0.0001"), context=EXACT)

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
    """What one funder, the funders of one country, an international body (a donor of its own, never counted
    under its seat), or the funders in one month, put in (in the base currency)."""

    name: str
    pledged: Decimal = ZERO
    committed: Decimal = ZERO
    disbursed: Decimal = ZERO
    international_body: bool = False


class Rates:
    """Latest rate of every currency on or before a date, loaded in one query."""

    def __init__(self, as_of: date):
        self.as_of = as_of
        self.base = settings.BASE_CURRENCY
        latest_day = (
            ExchangeRate.objects.filter(currency=OuterRef("currency"), valid_on__lte=as_of)
            .order_by("-valid_on")
            .values("valid_on")[:1]
        )
        self._rates = dict(ExchangeRate.objects.filter(valid_on=Subquery(latest_day)).values_list("currency", "rate"))
        self._rates[self.base] = Decimal("1")

    def __contains__(self, currency: str) -> bool:
        return currency in self._rates

    def currencies(self) -> set[str]:
        return set(self._rates)

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


def to_the_cent(parts: list[Decimal]) -> list[Decimal]:
    """Exact non-negative parts rounded to cents so that they add up to their total rounded as `rounded()`
    rounds it: each part is rounded down, and the cents left over go to the largest remainders (ties:
    the earlier part). Each stays within a cent of its exact value."""
    floors = [part.quantize(CENT, rounding=decimal.ROUND_FLOOR, context=EXACT) for part in parts]
    total = reduce(EXACT.add, parts, ZERO).quantize(CENT, context=EXACT)
    left = int(EXACT.divide(EXACT.subtract(total, reduce(EXACT.add, floors, ZERO)), CENT))
    by_remainder = sorted(range(len(parts)), key=lambda i: EXACT.subtract(floors[i], parts[i]))
    for i in by_remainder[:left]:
        floors[i] = EXACT.add(floors[i], CENT)
    return floors
