"""GDP figures: programme managers keep them, one per country and year, with history (constraints: tests/models)."""

from decimal import Decimal

import pytest

from projects.errors import DomainError, ErrorCode
from projects.models import CountryEconomy
from projects.services.economies import delete_country_economy, record_country_economy, update_country_economy

pytestmark = pytest.mark.django_db
GDP = {"country": "DE", "year": 2025, "gdp": Decimal("4300000000000.00"), "currency": "EUR", "source": "Destatis"}


def test_a_manager_records_corrects_and_deletes_a_gdp_figure_and_history_keeps_who(staff, staff_user):
    economy = record_country_economy(actor=staff, **GDP)
    update_country_economy(actor=staff, economy_id=economy.pk, gdp=Decimal("4350000000000.00"), illustrative=True)
    delete_country_economy(actor=staff, economy_id=economy.pk)

    versions = CountryEconomy.history.filter(id=economy.pk).order_by("history_date")
    assert [(v.history_type, v.gdp, v.illustrative, v.history_user) for v in versions] == [
        ("+", Decimal("4300000000000.00"), False, staff_user),
        ("~", Decimal("4350000000000.00"), True, staff_user),
        ("-", Decimal("4350000000000.00"), True, staff_user),
    ]
    assert str(economy) == "Germany 2025"


def test_a_second_figure_for_the_same_country_and_year_is_refused_beside_the_year(staff):
    record_country_economy(actor=staff, **GDP)

    with pytest.raises(DomainError) as refused:
        record_country_economy(actor=staff, **{**GDP, "gdp": Decimal("1.00")})

    assert (refused.value.code, refused.value.field) == (ErrorCode.DUPLICATE, "year")
    assert refused.value.message == "This country already has a GDP for this year; correct that one instead."
    assert CountryEconomy.objects.get().gdp == GDP["gdp"]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"country": "XX"}, "country", "Value 'XX' is not a valid choice."),
        ({"year": 1900}, "year", "Give a year between 1990 and 2100."),
        ({"gdp": Decimal("0.00")}, "gdp", "The GDP must be greater than zero."),
        ({"currency": "eu"}, "currency", "Give the currency as its three-letter ISO 4217 code, e.g. EUR, GBP, UAH."),
        ({"source": ""}, "source", "This field cannot be blank."),
    ],
)
def test_bad_gdp_figures_are_refused_with_a_clear_message_and_nothing_kept(staff, change, field, message):
    with pytest.raises(DomainError) as refused:
        record_country_economy(actor=staff, **{**GDP, **change})

    assert refused.value.field == field and message in refused.value.errors[field]
    assert not CountryEconomy.objects.exists()


def test_partners_and_viewers_cannot_change_gdp_figures(partner):
    with pytest.raises(DomainError) as refused:
        record_country_economy(actor=partner, **GDP)
    assert refused.value.code == ErrorCode.PERMISSION_DENIED
    assert not CountryEconomy.objects.exists()
