"""Joint production agreements, the organisations party to them, and their status changes."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from projects.attribution import history_records
from projects.choices import AGREEMENT_TRANSITIONS, SIGNED_STATUSES, AgreementKind, AgreementStatus, PartyRole
from projects.models.base import (
    FieldCheckConstraint,
    FieldUniqueConstraint,
    Timestamped,
    currency_field,
    in_language_of_page,
    iso_currency,
    money_field,
    one_of,
)


class PartyScopedQuerySet(models.QuerySet):
    """Rows hanging off agreements, scoped to what an actor may see.

    People with an account see everything; a partner organisation only what hangs off
    agreements it is party to; anyone else nothing. `agreement_lookup` is the path from the row to its agreement.
    """

    agreement_lookup = "agreement"

    def visible_to(self, actor):
        if actor.is_internal:
            return self
        if actor.organization is None:
            return self.none()
        return self.filter(
            Exists(
                AgreementParty.objects.filter(
                    agreement=OuterRef(self.agreement_lookup), organization=actor.organization
                )
            )
        )


class AgreementQuerySet(PartyScopedQuerySet):
    agreement_lookup = "pk"


class Agreement(Timestamped):
    """One joint production agreement or programme, with its budget in its reporting currency."""

    reference = models.CharField(
        max_length=40, unique=True, help_text=_("Human code, e.g. UA-GB-2025-007."), verbose_name=_("reference")
    )
    title = models.CharField(max_length=250, verbose_name=_("title"))
    title_uk = models.CharField(
        max_length=250,
        blank=True,
        help_text=_("The title in Ukrainian, shown when the interface is in Ukrainian."),
        verbose_name=_("title in Ukrainian"),
    )
    summary = models.TextField(blank=True, verbose_name=_("summary"))
    kind = models.CharField(max_length=32, choices=AgreementKind.choices, verbose_name=_("kind"))
    capabilities = models.ManyToManyField(
        "projects.Capability", related_name="agreements", blank=True, verbose_name=_("capabilities")
    )
    status = models.CharField(
        max_length=16, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT, verbose_name=_("status")
    )
    signed_on = models.DateField(null=True, blank=True, verbose_name=_("signed on"))
    starts_on = models.DateField(null=True, blank=True, verbose_name=_("starts on"))
    ends_on = models.DateField(null=True, blank=True, verbose_name=_("ends on"))
    currency = currency_field(verbose_name=_("currency"))
    budget = money_field(help_text=_("Funding required, in the agreement's currency."), verbose_name=_("budget"))
    programme_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_agreements",
        verbose_name=_("programme manager"),
    )
    organizations = models.ManyToManyField(
        "projects.Organization",
        through="projects.AgreementParty",
        related_name="agreements",
        verbose_name=_("organisations"),
    )

    history = history_records(m2m_fields=[capabilities])
    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["reference"]
        indexes = [models.Index(fields=["status", "reference"], name="agreement_status_idx")]
        constraints = [
            one_of(
                "kind",
                AgreementKind,
                name="agreement_kind_valid",
                message=_("Choose one of the listed kinds of agreement."),
            ),
            one_of(
                "status",
                AgreementStatus,
                name="agreement_status_valid",
                message=_("Choose one of the listed statuses."),
            ),
            FieldCheckConstraint(
                condition=Q(budget__gte=0),
                name="agreement_budget_not_negative",
                field="budget",
                violation_error_code="constraint",
                violation_error_message=_("The budget cannot be negative."),
            ),
            iso_currency(name="agreement_currency_iso4217"),
            FieldCheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="agreement_ends_after_start",
                field="ends_on",
                violation_error_code="constraint",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            FieldCheckConstraint(
                condition=~Q(status__in=SIGNED_STATUSES) | Q(signed_on__isnull=False),
                name="agreement_signed_has_date",
                field="signed_on",
                violation_error_code="constraint",
                violation_error_message=_("A signed agreement needs its signing date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def local_title(self) -> str:
        return in_language_of_page(self.title, self.title_uk)

    def allowed_transitions(self) -> list[str]:
        return [s for s in AgreementStatus.values if s in AGREEMENT_TRANSITIONS[self.status]]


class AgreementParty(Timestamped):
    """An organisation's role on an agreement; any role makes the organisation party to it."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="parties", verbose_name=_("agreement")
    )
    organization = models.ForeignKey(
        "projects.Organization", on_delete=models.PROTECT, related_name="parties", verbose_name=_("organisation")
    )
    role = models.CharField(max_length=16, choices=PartyRole.choices, verbose_name=_("role"))

    history = history_records()

    class Meta:
        verbose_name = _("agreement party")
        ordering = ["agreement", "role", "organization"]
        verbose_name_plural = _("agreement parties")
        constraints = [
            FieldUniqueConstraint(
                fields=["agreement", "organization", "role"],
                name="party_role_unique",
                field="role",
                violation_error_code="duplicate",
                violation_error_message=_("This organisation already has this role on the agreement."),
            ),
            one_of("role", PartyRole, name="party_role_valid", message=_("Choose one of the listed roles.")),
        ]
        indexes = [models.Index(fields=["organization", "agreement"], name="party_org_idx")]

    def __str__(self) -> str:
        return f"{self.organization} ({self.get_role_display()})"


class StatusChange(models.Model):
    """One status transition of an agreement: who moved it, when, from what, to what and why."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("agreement")
    )
    from_status = models.CharField(max_length=16, choices=AgreementStatus.choices, verbose_name=_("from status"))
    to_status = models.CharField(max_length=16, choices=AgreementStatus.choices, verbose_name=_("to status"))
    reason = models.TextField(verbose_name=_("reason"))
    changed_at = models.DateTimeField(db_index=True, verbose_name=_("changed at"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_by_organization = models.ForeignKey(
        "projects.Organization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("changed by organisation"),
    )

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["-changed_at", "-pk"]
        constraints = [
            FieldCheckConstraint(
                condition=~Q(from_status=F("to_status")),
                name="status_change_moves",
                field="to_status",
                violation_error_code="constraint",
                violation_error_message=_("The new status must differ from the current one."),
            ),
            FieldCheckConstraint(
                condition=~Q(reason=""),
                name="status_change_has_reason",
                field="reason",
                violation_error_code="constraint",
                violation_error_message=_("Give a reason for the status change."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agreement.reference}: {self.from_status} → {self.to_status}"

    def clean(self) -> None:
        if self.to_status not in AGREEMENT_TRANSITIONS.get(self.from_status, ()):
            raise ValidationError({"to_status": f"{self.from_status} cannot move to {self.to_status}."})
