"""Milestones of an agreement, with an optional quantity to reach."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.attribution import history_records
from projects.choices import CLOSED_MILESTONE_STATUSES, MilestoneStatus
from projects.models.agreements import PartyScopedQuerySet
from projects.models.base import FieldCheckConstraint, Timestamped, one_of


class MilestoneQuerySet(PartyScopedQuerySet):
    def open(self) -> MilestoneQuerySet:
        return self.exclude(status__in=CLOSED_MILESTONE_STATUSES)

    def overdue(self, today: date | None = None) -> MilestoneQuerySet:
        return self.open().filter(due_on__lt=today or timezone.localdate())


class Milestone(Timestamped):
    """A dated deliverable of an agreement that one party organisation is responsible for."""

    agreement = models.ForeignKey(
        "projects.Agreement", on_delete=models.CASCADE, related_name="milestones", verbose_name=_("agreement")
    )
    title = models.CharField(max_length=250, verbose_name=_("title"))
    due_on = models.DateField(verbose_name=_("due on"))
    status = models.CharField(
        max_length=16, choices=MilestoneStatus.choices, default=MilestoneStatus.PLANNED, verbose_name=_("status")
    )
    completed_on = models.DateField(null=True, blank=True, verbose_name=_("completed on"))
    responsible = models.ForeignKey(
        "projects.Organization",
        on_delete=models.PROTECT,
        related_name="responsible_milestones",
        verbose_name=_("responsible"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_milestones",
        verbose_name=_("owner"),
    )
    unit = models.CharField(
        max_length=60, blank=True, help_text=_("What is counted, e.g. specialists trained."), verbose_name=_("unit")
    )
    target_quantity = models.PositiveBigIntegerField(null=True, blank=True, verbose_name=_("target quantity"))
    actual_quantity = models.PositiveBigIntegerField(null=True, blank=True, verbose_name=_("actual quantity"))

    history = history_records()
    objects = MilestoneQuerySet.as_manager()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["due_on", "status"], name="milestone_due_status_idx"),
            models.Index(fields=["agreement", "due_on"], name="milestone_agreement_due_idx"),
            # What is late or due soon: the dashboard's counts, the reminder scan and the digests read only these.
            models.Index(
                fields=["due_on"],
                condition=~Q(status__in=sorted(CLOSED_MILESTONE_STATUSES)),
                name="milestone_open_due_idx",
            ),
        ]
        constraints = [
            one_of(
                "status",
                MilestoneStatus,
                name="milestone_status_valid",
                message=_("Choose one of the listed statuses."),
            ),
            FieldCheckConstraint(
                condition=(Q(status=MilestoneStatus.DONE) & Q(completed_on__isnull=False))
                | (~Q(status=MilestoneStatus.DONE) & Q(completed_on__isnull=True)),
                name="milestone_completed_on_iff_done",
                field="completed_on",
                violation_error_code="constraint",
                violation_error_message=_("A milestone has a completion date exactly when it is done."),
            ),
            FieldCheckConstraint(
                condition=Q(target_quantity__isnull=True) | ~Q(unit=""),
                name="milestone_target_has_unit",
                field="unit",
                violation_error_code="constraint",
                violation_error_message=_("A target quantity needs a unit."),
            ),
            FieldCheckConstraint(
                condition=Q(actual_quantity__isnull=True) | Q(target_quantity__isnull=False),
                name="milestone_actual_needs_target",
                field="actual_quantity",
                violation_error_code="constraint",
                violation_error_message=_("An actual quantity needs a target quantity."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        return self.status not in CLOSED_MILESTONE_STATUSES and self.due_on < timezone.localdate()

    @property
    def progress(self) -> float | None:
        """Share of the target reached, 0..1, when the milestone counts something."""
        if not self.target_quantity:
            return None
        return min((self.actual_quantity or 0) / self.target_quantity, 1.0)
