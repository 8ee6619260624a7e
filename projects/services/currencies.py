"""Money enters only in a currency the portfolio can convert: one with a rate to the base currency.

Checked where an agreement or a commitment takes a currency, so the form, the API, the import and
the admin all refuse the same thing. A new currency may bring its rate along (valid from today).
These helpers run inside the calling service's transaction.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.errors import DomainError, ErrorCode
from projects.models import ExchangeRate
from projects.services.service import save_validated


def record_rate(currency: str, rate: Decimal, valid_on: date) -> ExchangeRate:
    """Set a currency's rate for a day, replacing that day's rate if there is one."""
    exchange_rate = ExchangeRate.objects.select_for_update().filter(currency=currency, valid_on=valid_on).first()
    if exchange_rate is None:
        exchange_rate = ExchangeRate(currency=currency, rate=rate, valid_on=valid_on)
        save_validated(exchange_rate)
    elif exchange_rate.rate != rate:
        exchange_rate.rate = rate
        save_validated(exchange_rate, update_fields=["rate"])
    return exchange_rate


def require_rate(currency: str, given: Decimal | None, *, entering: str) -> None:
    """Refuse money in `currency` unless it converts today; a rate `given` for a currency without one is recorded.

    A given rate never overrides a known one: rates are changed on the exchange rates page, for every
    agreement at once, not as a side effect of one agreement's form.
    """
    base = settings.BASE_CURRENCY
    today = timezone.localdate()
    if currency == base:
        known = Decimal("1")
    else:
        known = (
            ExchangeRate.objects.filter(currency=currency, valid_on__lte=today)
            .order_by("-valid_on")
            .values_list("rate", flat=True)
            .first()
        )
    if given is None or given == known:
        if known is None:
            raise DomainError(
                ErrorCode.MISSING_RATE,
                f"There is no exchange rate from {currency} to {base}: add one under Exchange rates, "
                f"or give today's rate with the {entering}.",
                field="currency",
            )
        return
    if known is not None:
        raise DomainError(
            ErrorCode.INVALID,
            f"{currency} already converts to {base} at {known.normalize():f}; change rates under Exchange rates.",
            field="exchange_rate",
        )
    if given <= 0:
        raise DomainError(ErrorCode.INVALID, _("An exchange rate is greater than zero."), field="exchange_rate")
    record_rate(currency, given, today)
