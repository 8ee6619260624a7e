"""Tranches: a commitment paid in parts, each released when its milestone is done and a manager says so."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from projects.attribution import history_records
from projects.models.agreements import PartyScopedQuerySet
from projects.models.base import FieldCheckConstraint, Timestamped, money_field


class TrancheQuerySet(PartyScopedQuerySet):
    agreement_lookup = "commitment__agreement"


class Tranche(Timestamped):
    """One part of a commitment, in its currency: planned for a day, optionally waiting on a milestone.

    Disbursements of a commitment with tranches are recorded against a released tranche and never
    exceed it; the tranches of a commitment never add up to more than it (both checked by the services
    under the commitment's lock, which no single-row constraint can hold).
    """

    commitment = models.ForeignKey(
        "projects.FundingCommitment", on_delete=models.CASCADE, related_name="tranches", verbose_name=_("commitment")
    )
    amount = money_field(verbose_name=_("amount"))
    planned_on = models.DateField(_("planned on"))
    milestone = models.ForeignKey(
        "projects.Milestone",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tranches",
        verbose_name=_("milestone"),
        help_text=_("Released only once this milestone is done."),
    )
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("released by"),
    )

    history = history_records()
    objects = TrancheQuerySet.as_manager()

    class Meta:
        ordering = ["commitment", "planned_on", "pk"]
        verbose_name = _("tranche")
        verbose_name_plural = _("tranches")
        constraints = [
            FieldCheckConstraint(
                condition=Q(amount__gt=0),
                name="tranche_amount_positive",
                field="amount",
                violation_error_code="constraint",
                violation_error_message=_("The amount must be greater than zero."),
            ),
            FieldCheckConstraint(
                condition=Q(released_at__isnull=True) | Q(released_by__isnull=False),
                name="tranche_released_by_someone",
                field="released_by",
                violation_error_code="constraint",
                violation_error_message=_("A released tranche names the programme manager who released it."),
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(amount)s %(currency)s on %(day)s") % {
            "amount": self.amount,
            "currency": self.commitment.currency,
            "day": date_format(self.planned_on),
        }

    @property
    def is_released(self) -> bool:
        return self.released_at is not None
