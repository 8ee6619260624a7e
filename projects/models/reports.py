"""Periodic status reports on an agreement."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from projects.attribution import history_records
from projects.choices import Rag
from projects.models.agreements import PartyScopedQuerySet
from projects.models.base import FieldCheckConstraint, Timestamped, one_of


class StatusReport(Timestamped):
    """A dated red/amber/green assessment of an agreement, by a person or a partner organisation."""

    agreement = models.ForeignKey(
        "projects.Agreement", on_delete=models.CASCADE, related_name="status_reports", verbose_name=_("agreement")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="status_reports",
        verbose_name=_("author"),
    )
    author_organization = models.ForeignKey(
        "projects.Organization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="status_reports",
        help_text=_("Set when a partner reports through the API."),
        verbose_name=_("author organisation"),
    )
    reported_on = models.DateField(verbose_name=_("reported on"))
    rag = models.CharField(_("RAG"), max_length=8, choices=Rag.choices)
    summary = models.TextField(verbose_name=_("summary"))
    risks = models.TextField(blank=True, verbose_name=_("risks"))
    next_steps = models.TextField(blank=True, verbose_name=_("next steps"))

    history = history_records()
    objects = PartyScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("status report")
        verbose_name_plural = _("status reports")
        ordering = ["-reported_on", "-pk"]
        indexes = [models.Index(fields=["agreement", "-reported_on"], name="report_agreement_date_idx")]
        constraints = [
            one_of("rag", Rag, name="report_rag_valid", message=_("Choose red, amber or green.")),
            FieldCheckConstraint(
                condition=~Q(summary=""),
                name="report_has_summary",
                field="summary",
                violation_error_code="constraint",
                violation_error_message=_("Write a summary of where the agreement stands."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agreement.reference} {self.reported_on} ({self.rag})"
