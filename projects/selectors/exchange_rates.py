"""Exchange rates as programme managers keep them: each currency's rate today, what uses it, who changed what."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Count

from projects.choices import CommitmentStatus
from projects.models import Agreement, ExchangeRate, FundingCommitment
from projects.selectors.money import Rates

CHANGES_SHOWN = 30
ACTIONS = {"+": "added", "~": "changed", "-": "deleted"}


@dataclass(frozen=True)
class CurrencyRate:
    """A currency in use or with a rate: its rate today (None: money in it cannot be converted) and its users."""

    currency: str
    rate: Decimal | None
    agreements: int
    commitments: int

    @property
    def missing(self) -> bool:
        return self.rate is None and bool(self.agreements or self.commitments)


@dataclass(frozen=True)
class RateChange:
    """One recorded change of a rate, with the rate before it when it was changed."""

    when: datetime
    who: str
    action: str
    currency: str
    valid_on: date
    rate: Decimal
    previous_rate: Decimal | None


def currency_rates(as_of: date) -> list[CurrencyRate]:
    """Every currency with a rate or in use by an agreement or a live commitment (four queries)."""
    rates = Rates(as_of)
    agreements = dict(Agreement.objects.values_list("currency").annotate(n=Count("pk")).order_by())
    commitments = dict(
        FundingCommitment.objects.exclude(status=CommitmentStatus.CANCELLED)
        .values_list("currency")
        .annotate(n=Count("pk"))
        .order_by()
    )
    known = set(ExchangeRate.objects.values_list("currency", flat=True).distinct().order_by())
    return [
        CurrencyRate(
            currency,
            rates.rate(currency) if currency in rates else None,
            agreements.get(currency, 0),
            commitments.get(currency, 0),
        )
        for currency in sorted(known | set(agreements) | set(commitments) | {settings.BASE_CURRENCY})
    ]


def recorded_rates() -> list[ExchangeRate]:
    """Every rate recorded, each currency's newest first."""
    return list(ExchangeRate.objects.order_by("currency", "-valid_on"))


def rate_changes(limit: int = CHANGES_SHOWN) -> list[RateChange]:
    """The latest changes to rates, who made them and the rate they replaced (two queries)."""
    latest = list(ExchangeRate.history.select_related("history_user").order_by("-history_date", "-history_id")[:limit])
    versions = ExchangeRate.history.filter(id__in={row.id for row in latest}).order_by("history_date", "history_id")
    before, previous = {}, {}
    for version in versions:
        before[version.history_id] = previous.get(version.id)
        previous[version.id] = version.rate
    return [
        RateChange(
            when=row.history_date,
            who=row.history_user.get_username() if row.history_user else "system",
            action=ACTIONS.get(row.history_type, row.history_type),
            currency=row.currency,
            valid_on=row.valid_on,
            rate=row.rate,
            previous_rate=before.get(row.history_id) if row.history_type == "~" else None,
        )
        for row in latest
    ]
