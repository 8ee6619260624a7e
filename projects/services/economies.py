"""Keeping the GDP figures that burden-sharing measures donors against (programme managers only)."""

from datetime import datetime
from decimal import Decimal

from projects.actors import Actor
from projects.models import CountryEconomy
from projects.services.service import delete_checked, require_staff, save_validated, service, update_checked

ECONOMY_FIELDS = frozenset({"country", "year", "gdp", "currency", "source", "illustrative"})


@service
def record_country_economy(
    *,
    actor: Actor,
    country: str,
    year: int,
    gdp: Decimal,
    currency: str,
    source: str,
    illustrative: bool = False,
) -> CountryEconomy:
    """Record a country's GDP for a year; a year already recorded is corrected, not recorded twice."""
    require_staff(actor, "record GDP figures")
    economy = CountryEconomy(
        country=country, year=year, gdp=gdp, currency=currency, source=source, illustrative=illustrative
    )
    save_validated(economy)
    return economy


@service
def update_country_economy(
    *, actor: Actor, economy_id: int, expected_updated_at: datetime | None = None, **changes
) -> CountryEconomy:
    require_staff(actor, "change GDP figures")
    return update_checked(CountryEconomy, economy_id, expected_updated_at, changes, ECONOMY_FIELDS)


@service
def delete_country_economy(*, actor: Actor, economy_id: int, expected_updated_at: datetime | None = None) -> None:
    """A mistaken figure goes; the donor's share then uses the latest earlier year, or says there is none."""
    require_staff(actor, "delete GDP figures")
    delete_checked(CountryEconomy, economy_id, expected_updated_at)
