"""Organisations that take part in agreements, and the capability taxonomy."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from projects.attribution import history_records
from projects.choices import OrganizationKind
from projects.models.base import FieldCheckConstraint, Timestamped, in_language_of_page, one_of


class Organization(Timestamped):
    """A government, ministry, armed force, company, international body or NGO."""

    name = models.CharField(max_length=200, unique=True, verbose_name=_("name"))
    name_uk = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("The name in Ukrainian, shown when the interface is in Ukrainian."),
        verbose_name=_("name in Ukrainian"),
    )
    slug = models.SlugField(max_length=80, unique=True, verbose_name=_("slug"))
    kind = models.CharField(max_length=32, choices=OrganizationKind.choices, verbose_name=_("kind"))
    country = models.CharField(
        max_length=2, help_text=_("ISO 3166-1 alpha-2 code, e.g. UA, GB."), verbose_name=_("country")
    )

    history = history_records()

    @property
    def local_name(self) -> str:
        return in_language_of_page(self.name, self.name_uk)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            one_of(
                "kind",
                OrganizationKind,
                name="organization_kind_valid",
                message=_("Choose one of the listed kinds of organisation."),
            ),
            FieldCheckConstraint(
                condition=Q(country__regex=r"^[A-Z]{2}$"),
                name="organization_country_iso2",
                field="country",
                violation_error_code="constraint",
                violation_error_message=_("Give the country as its two-letter ISO 3166 code in capitals, e.g. UA, GB."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Capability(Timestamped):
    """One capability area of the editable taxonomy (strike drones, artillery, EW…)."""

    name = models.CharField(max_length=120, unique=True, verbose_name=_("name"))
    slug = models.SlugField(max_length=80, unique=True, verbose_name=_("slug"))

    history = history_records()

    class Meta:
        verbose_name = _("capability")
        ordering = ["name"]
        verbose_name_plural = _("capabilities")

    def __str__(self) -> str:
        return self.name
