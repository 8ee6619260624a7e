"""Reference data on donor countries' economies: the GDP that burden-sharing measures money against."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from projects.attribution import history_records
from projects.models.base import (
    FieldCheckConstraint,
    FieldUniqueConstraint,
    Timestamped,
    currency_field,
    iso_currency,
    money_field,
)

FIRST_YEAR = 1990
LAST_YEAR = 2100


def country_choices() -> list[tuple[str, str]]:
    """Every ISO 3166-1 country, named in the language of the request."""
    return [(country.code, country.name) for country in countries]


class CountryEconomy(Timestamped):
    """One country's gross domestic product in one year, in the currency its source gives it in."""

    country = models.CharField(
        _("country"), max_length=2, choices=country_choices, help_text=_("ISO 3166-1 alpha-2 code, e.g. DE, GB.")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    gdp = money_field(verbose_name=_("GDP"), help_text=_("Gross domestic product of the year, in its currency."))
    currency = currency_field(verbose_name=_("currency"))
    source = models.CharField(
        _("source"), max_length=500, help_text=_("Where the figure comes from, e.g. IMF World Economic Outlook.")
    )
    illustrative = models.BooleanField(
        _("illustrative"), default=False, help_text=_("An invented or rounded figure for trying the product.")
    )

    history = history_records()

    class Meta:
        ordering = ["country", "-year"]
        verbose_name = _("country economy")
        verbose_name_plural = _("country economies")
        constraints = [
            FieldUniqueConstraint(
                fields=["country", "year"],
                name="country_economy_unique_per_year",
                field="year",
                violation_error_code="duplicate",
                violation_error_message=_("This country already has a GDP for this year; correct that one instead."),
            ),
            FieldCheckConstraint(
                condition=Q(country__regex=r"^[A-Z]{2}$"),
                name="country_economy_country_iso2",
                field="country",
                violation_error_code="constraint",
                violation_error_message=_("Give the country as its two-letter ISO 3166 code in capitals, e.g. DE."),
            ),
            FieldCheckConstraint(
                condition=Q(year__gte=FIRST_YEAR, year__lte=LAST_YEAR),
                name="country_economy_year_plausible",
                field="year",
                violation_error_code="constraint",
                violation_error_message=_("Give a year between 1990 and 2100."),
            ),
            FieldCheckConstraint(
                condition=Q(gdp__gt=0),
                name="country_economy_gdp_positive",
                field="gdp",
                violation_error_code="constraint",
                violation_error_message=_("The GDP must be greater than zero."),
            ),
            iso_currency(name="country_economy_currency_iso4217"),
            FieldCheckConstraint(
                condition=~Q(source=""),
                name="country_economy_has_source",
                field="source",
                violation_error_code="constraint",
                violation_error_message=_("Say where the figure comes from."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_country_display()} {self.year}"
