"""Money toward agreements: commitments, the disbursements paid against them, and exchange rates."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from projects.attribution import history_records
from projects.choices import CommitmentStatus
from projects.models.agreements import PartyScopedQuerySet
from projects.models.base import (
    FieldCheckConstraint,
    FieldUniqueConstraint,
    Timestamped,
    currency_field,
    iso_currency,
    money_field,
    one_of,
)
from projects.models.provenance import Provenance


class FundingCommitment(Provenance, Timestamped):
    """Money a funder puts toward an agreement: a pledge (a promise) or a commitment (firm)."""

    agreement = models.ForeignKey(
        "projects.Agreement", on_delete=models.CASCADE, related_name="commitments", verbose_name=_("agreement")
    )
    funder = models.ForeignKey(
        "projects.Organization", on_delete=models.PROTECT, related_name="commitments", verbose_name=_("funder")
    )
    amount = money_field(verbose_name=_("amount"))
    currency = currency_field(verbose_name=_("currency"))
    status = models.CharField(
        max_length=16, choices=CommitmentStatus.choices, default=CommitmentStatus.PLEDGED, verbose_name=_("status")
    )
    pledged_on = models.DateField(verbose_name=_("pledged on"))
    reference = models.CharField(max_length=80, blank=True, verbose_name=_("reference"))

    history = history_records()
    objects = PartyScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("funding commitment")
        verbose_name_plural = _("funding commitments")
        ordering = ["agreement", "pledged_on", "pk"]
        indexes = [models.Index(fields=["agreement", "status"], name="commitment_agreement_idx")]
        constraints = [
            *Provenance.Meta.constraints,
            FieldCheckConstraint(
                condition=Q(amount__gt=0),
                name="commitment_amount_positive",
                field="amount",
                violation_error_code="constraint",
                violation_error_message=_("The amount must be greater than zero."),
            ),
            one_of(
                "status",
                CommitmentStatus,
                name="commitment_status_valid",
                message=_("Choose pledged, committed or cancelled."),
            ),
            iso_currency(name="commitment_currency_iso4217"),
            FieldUniqueConstraint(
                fields=["agreement", "reference"],
                condition=~Q(reference=""),
                name="commitment_reference_unique",
                field="reference",
                violation_error_code="duplicate",
                violation_error_message=_("This agreement already has a commitment with this reference."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.funder}: {self.amount} {self.currency} ({self.get_status_display()})"


class DisbursementQuerySet(PartyScopedQuerySet):
    agreement_lookup = "commitment__agreement"


class Disbursement(Provenance, Timestamped):
    """Money actually paid against a committed commitment, in the commitment's currency."""

    commitment = models.ForeignKey(
        FundingCommitment, on_delete=models.PROTECT, related_name="disbursements", verbose_name=_("commitment")
    )
    tranche = models.ForeignKey(
        "projects.Tranche",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disbursements",
        help_text=_("The released tranche paid from; empty for a commitment without tranches."),
        verbose_name=_("tranche"),
    )
    amount = money_field(verbose_name=_("amount"))
    disbursed_on = models.DateField(verbose_name=_("disbursed on"))
    reference = models.CharField(max_length=80, verbose_name=_("reference"))

    history = history_records()
    objects = DisbursementQuerySet.as_manager()

    class Meta:
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        ordering = ["commitment", "disbursed_on", "pk"]
        constraints = [
            *Provenance.Meta.constraints,
            FieldCheckConstraint(
                condition=Q(amount__gt=0),
                name="disbursement_amount_positive",
                field="amount",
                violation_error_code="constraint",
                violation_error_message=_("The amount must be greater than zero."),
            ),
            FieldCheckConstraint(
                condition=~Q(reference=""),
                name="disbursement_has_reference",
                field="reference",
                violation_error_code="constraint",
                violation_error_message=_("Give the payment's reference."),
            ),
            FieldUniqueConstraint(
                fields=["commitment", "reference"],
                name="disbursement_reference_unique",
                field="reference",
                violation_error_code="duplicate",
                violation_error_message=_("This commitment already has a disbursement with this reference."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.amount}"


class ExchangeRate(Timestamped):
    """Value of one unit of `currency` in the portfolio's base currency, from `valid_on` on."""

    currency = currency_field(verbose_name=_("currency"))
    rate = models.DecimalField(max_digits=20, decimal_places=8, verbose_name=_("rate"))
    valid_on = models.DateField(verbose_name=_("valid on"))

    history = history_records()

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["currency", "-valid_on"]
        constraints = [
            FieldCheckConstraint(
                condition=Q(rate__gt=0),
                name="exchange_rate_positive",
                field="rate",
                violation_error_code="constraint",
                violation_error_message=_("The rate must be greater than zero."),
            ),
            iso_currency(name="exchange_rate_currency_iso4217"),
            FieldUniqueConstraint(
                fields=["currency", "valid_on"],
                name="exchange_rate_unique_per_day",
                field="valid_on",
                violation_error_code="duplicate",
                violation_error_message=_("This currency already has a rate from this day; change that rate instead."),
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(currency)s %(rate)s from %(day)s") % {
            "currency": self.currency,
            "rate": self.rate,
            "day": date_format(self.valid_on),
        }
