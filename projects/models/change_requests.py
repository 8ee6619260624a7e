"""Proposed money changes waiting for a second programme manager (four-eyes approval)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from projects.attribution import history_records
from projects.choices import ChangeOperation, ChangeState, ChangeTarget
from projects.models.agreements import PartyScopedQuerySet
from projects.models.base import FieldCheckConstraint, one_of

DECIDED = Q(decided_by__isnull=False, decided_at__isnull=False)
UNDECIDED = Q(decided_by__isnull=True, decided_at__isnull=True)


class ChangeRequest(models.Model):
    """One proposed create, change or delete of a commitment, a disbursement or an agreement's budget.

    Nothing changes until a staff user other than the author approves it; the change is then applied by
    the same service as a direct write, at that moment, so a change that became invalid fails with why.
    `before` and `proposed` hold field values as JSON (money as decimal strings) for the diff.
    """

    agreement = models.ForeignKey(
        "projects.Agreement", on_delete=models.CASCADE, related_name="change_requests", verbose_name=_("agreement")
    )
    target = models.CharField(_("changes"), max_length=20, choices=ChangeTarget.choices)
    operation = models.CharField(_("operation"), max_length=10, choices=ChangeOperation.choices)
    # The record changed; empty for a create until it is applied, and once a deleted record is gone.
    commitment = models.ForeignKey(
        "projects.FundingCommitment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="change_requests",
        verbose_name=_("commitment"),
    )
    disbursement = models.ForeignKey(
        "projects.Disbursement",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="change_requests",
        verbose_name=_("disbursement"),
    )
    before = models.JSONField(default=dict, blank=True, verbose_name=_("before"))
    proposed = models.JSONField(default=dict, blank=True, verbose_name=_("proposed"))
    # The target's version the author saw: approval refuses to write over a change made since.
    base_version = models.DateTimeField(null=True, blank=True, verbose_name=_("base version"))
    reason = models.TextField(_("reason"))
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author user"),
    )
    author_organization = models.ForeignKey(
        "projects.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author organisation"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    state = models.CharField(
        max_length=10, choices=ChangeState.choices, default=ChangeState.PENDING, verbose_name=_("state")
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name=_("decided at"))
    # Why it was rejected, or why applying it failed.
    decision_note = models.TextField(blank=True, verbose_name=_("decision note"))

    history = history_records()
    objects = PartyScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "created_at"], name="change_request_state_idx")]
        constraints = [
            FieldCheckConstraint(
                condition=Q(reason__regex=r"\S"),
                name="change_request_has_reason",
                field="reason",
                violation_error_code="constraint",
                violation_error_message=_("Say why this change is needed."),
            ),
            FieldCheckConstraint(
                condition=Q(author_user__isnull=True) ^ Q(author_organization__isnull=True),
                name="change_request_one_author",
                field="author_user",
                violation_error_code="constraint",
                violation_error_message=_("A change request has one author: a person or a partner organisation."),
            ),
            one_of("state", ChangeState, name="change_request_state_valid", message=_("Unknown state.")),
            FieldCheckConstraint(
                condition=(Q(state=ChangeState.PENDING) & UNDECIDED) | (~Q(state=ChangeState.PENDING) & DECIDED),
                name="change_request_decision_complete",
                field="decided_by",
                violation_error_code="constraint",
                violation_error_message=_("A decided request names who decided it and when; a pending one neither."),
            ),
            FieldCheckConstraint(
                condition=~Q(state__in=[ChangeState.REJECTED, ChangeState.FAILED]) | Q(decision_note__regex=r"\S"),
                name="change_request_refusal_explained",
                field="decision_note",
                violation_error_code="constraint",
                violation_error_message=_("A rejected or failed request says why."),
            ),
            FieldCheckConstraint(
                condition=Q(decided_by__isnull=True) | Q(author_user__isnull=True) | ~Q(decided_by=F("author_user")),
                name="change_request_second_person",
                field="decided_by",
                violation_error_code="constraint",
                violation_error_message=_("The author of a change cannot decide it."),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_operation_display()} {self.get_target_display()} ({self.get_state_display()})"

    @property
    def author(self):
        return self.author_user or self.author_organization

    def diff(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for every field the request sets or, for a delete, removes."""
        if self.operation == ChangeOperation.DELETE:
            return [(name, value, None) for name, value in self.before.items()]
        return [(name, self.before.get(name), value) for name, value in self.proposed.items()]
