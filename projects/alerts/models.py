"""Alert rules (a kind and its threshold in days) and the alerts they raise, one per occurrence."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from projects.alerts.labels import subject_label
from projects.models.base import FieldCheckConstraint, FieldUniqueConstraint, one_of


class AlertKind(models.TextChoices):
    UNDISBURSED_COMMITMENT = "undisbursed_commitment", _("Committed, not disbursed")
    MISSING_STATUS_REPORT = "missing_status_report", _("No status report")
    OVERDUE_MILESTONE = "overdue_milestone", _("Milestone long overdue")
    PERIOD_WITHOUT_ACTUAL = "period_without_actual", _("Period ended, no actual")
    WAITING_CHANGE_REQUEST = "waiting_change_request", _("Change request waiting")


class AlertState(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    SNOOZED = "snoozed", _("Snoozed")
    RESOLVED = "resolved", _("Resolved")


class AlertRule(models.Model):
    """One kind of alert, its threshold in days and whether it is evaluated; one row per kind."""

    kind = models.CharField(_("kind"), max_length=32, choices=AlertKind.choices, unique=True)
    days = models.PositiveSmallIntegerField(_("days"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["kind"]
        verbose_name = _("alert rule")
        verbose_name_plural = _("alert rules")
        constraints = [
            FieldCheckConstraint(
                condition=Q(days__gte=1),
                name="alert_rule_days_positive",
                field="days",
                violation_error_code="constraint",
                violation_error_message=_("A threshold is one day or more."),
            ),
            one_of("kind", AlertKind, name="alert_rule_kind_valid", message=_("Choose a known kind of alert.")),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.days})"


class AlertQuerySet(models.QuerySet):
    def showing(self) -> AlertQuerySet:
        """Alerts waiting for someone: open ones (a snooze that ended reopens at the next evaluation)."""
        return self.filter(state=AlertState.OPEN)


class Alert(models.Model):
    """One occurrence of a rule's condition (this commitment since this date, …), raised once.

    `occurrence` names the occurrence (kind, subject and the date the condition counts from); its
    unique constraint is what makes raising exactly-once, however many evaluations run at the same time.
    """

    kind = models.CharField(_("kind"), max_length=32, choices=AlertKind.choices)
    occurrence = models.CharField(_("occurrence"), max_length=120)
    agreement = models.ForeignKey(
        "projects.Agreement", on_delete=models.CASCADE, related_name="alerts", verbose_name=_("agreement")
    )
    subject_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, related_name="+", verbose_name=_("subject type")
    )
    subject_id = models.PositiveBigIntegerField(verbose_name=_("subject id"))
    subject = GenericForeignKey("subject_type", "subject_id")
    subject_facts = models.JSONField(
        _("subject"), default=dict, help_text=_("What the alert is about, as raised: names, amounts, dates.")
    )
    since = models.DateField(_("since"), help_text=_("The day the rule's days are counted from."))
    raised_at = models.DateTimeField(_("raised at"))
    state = models.CharField(_("state"), max_length=16, choices=AlertState.choices, default=AlertState.OPEN)
    snoozed_until = models.DateField(_("snoozed until"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("acknowledged or snoozed by"),
    )
    handled_at = models.DateTimeField(_("acknowledged or snoozed at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at", "-pk"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        indexes = [models.Index(fields=["state", "agreement"], name="alert_state_idx")]
        constraints = [
            FieldUniqueConstraint(
                fields=["occurrence"],
                name="alert_once_per_occurrence",
                field="occurrence",
                violation_error_code="duplicate",
                violation_error_message=_("This occurrence has raised its alert already."),
            ),
            one_of(
                "state",
                AlertState,
                name="alert_state_valid",
                message=_("Choose open, acknowledged, snoozed or resolved."),
            ),
            FieldCheckConstraint(
                condition=Q(state=AlertState.SNOOZED, snoozed_until__isnull=False)
                | (~Q(state=AlertState.SNOOZED) & Q(snoozed_until__isnull=True)),
                name="alert_snoozed_until_iff_snoozed",
                field="snoozed_until",
                violation_error_code="constraint",
                violation_error_message=_("A snoozed alert has the date it comes back, and only a snoozed one."),
            ),
            FieldCheckConstraint(
                condition=Q(state=AlertState.RESOLVED, resolved_at__isnull=False)
                | (~Q(state=AlertState.RESOLVED) & Q(resolved_at__isnull=True)),
                name="alert_resolved_at_iff_resolved",
                field="resolved_at",
                violation_error_code="constraint",
                violation_error_message=_("A resolved alert has the time it was resolved, and only a resolved one."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject_label}"

    @property
    def subject_label(self) -> str:
        """What the alert is about, in the active language (composed from the facts stored as raised)."""
        return subject_label(self.kind, self.subject_facts)
