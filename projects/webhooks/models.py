"""Webhook endpoints and their signing secrets, the event outbox, and the log of deliveries and attempts."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from projects.models.base import Timestamped
from projects.webhooks.choices import AttemptError, DeliveryStatus, DisabledWhy, EventType
from projects.webhooks.reasons import attempt_error_text, disabled_reason_text

# The start of a receiver's answer kept with each attempt, in bytes.
RESPONSE_KEPT_BYTES = 1024


class EndpointQuerySet(models.QuerySet):
    def visible_to(self, actor) -> EndpointQuerySet:
        """Programme managers see every endpoint; a partner its own organisation's; anyone else none."""
        if actor.is_staff:
            return self
        if actor.is_partner:
            return self.filter(organization=actor.organization)
        return self.none()


class Endpoint(Timestamped):
    """A URL that receives the signed events it subscribed to, owned by a partner organisation or a manager."""

    url = models.URLField(max_length=500, verbose_name=_("URL"))
    events = models.JSONField(default=list, help_text=_("The event types it receives."), verbose_name=_("events"))
    active = models.BooleanField(default=True, verbose_name=_("active"))
    description = models.CharField(max_length=250, blank=True, verbose_name=_("description"))
    organization = models.ForeignKey(
        "projects.Organization",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
        verbose_name=_("organisation"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
        verbose_name=_("user"),
    )
    failing_since = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("First failed attempt since the last successful one."),
        verbose_name=_("failing since"),
    )
    disabled_at = models.DateTimeField(null=True, blank=True, verbose_name=_("disabled at"))
    disabled_code = models.CharField(
        max_length=16, blank=True, choices=DisabledWhy.choices, verbose_name=_("disabled code")
    )
    disabled_detail = models.CharField(
        max_length=250,
        blank=True,
        help_text=_("Who switched it off, or the reason they gave, as written."),
        verbose_name=_("disabled detail"),
    )
    owner_told_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("When the owner was told by e-mail that the endpoint was disabled."),
        verbose_name=_("owner told at"),
    )

    objects = EndpointQuerySet.as_manager()

    class Meta:
        verbose_name = _("endpoint")
        verbose_name_plural = _("endpoints")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organization__isnull=True, user__isnull=False)
                | Q(organization__isnull=False, user__isnull=True),
                name="webhook_endpoint_one_owner",
                violation_error_code="invalid",
                violation_error_message=_(
                    "An endpoint belongs to an organisation or to a programme manager, not both."
                ),
            ),
            models.CheckConstraint(
                condition=Q(active=False) | Q(disabled_at__isnull=True),
                name="webhook_endpoint_disabled_is_inactive",
                violation_error_code="invalid",
                violation_error_message=_("An active endpoint has no disabling date."),
            ),
            models.CheckConstraint(
                condition=Q(disabled_code__in=["", *DisabledWhy.values]) & (Q(active=False) | Q(disabled_code="")),
                name="webhook_endpoint_disabled_code_valid",
                violation_error_code="invalid",
                violation_error_message=_("A disabled endpoint says why with a known code; an active one has none."),
            ),
        ]

    def __str__(self) -> str:
        return self.url

    @property
    def disabled_reason(self) -> str:
        """Why it is off, in the active language (blank while it is on)."""
        return disabled_reason_text(self.disabled_code, self.disabled_detail)

    @property
    def owner(self):
        return self.organization or self.user


class EndpointSecret(models.Model):
    """A signing key (`whsec_…`) of an endpoint; after a rotation the previous one keeps signing for a while."""

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="secrets", verbose_name=_("endpoint"))
    key = models.CharField(max_length=100, verbose_name=_("key"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    expires_at = models.DateTimeField(
        null=True, blank=True, help_text=_("Empty for the current key."), verbose_name=_("expires at")
    )

    class Meta:
        verbose_name = _("endpoint secret")
        verbose_name_plural = _("endpoint secrets")
        ordering = ["endpoint", "-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint"],
                condition=Q(expires_at__isnull=True),
                name="webhook_secret_one_current",
                violation_error_code="duplicate",
                violation_error_message=_("An endpoint has one current signing key."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key[:10]}… ({self.endpoint})"


class Event(models.Model):
    """Something that happened, written in the transaction that made it happen (the outbox), with its exact body.

    Its id is the `webhook-id` of every delivery of it, retries and replays included, so receivers can
    drop duplicates. `key` makes an event that must happen once (a milestone falling overdue) unique.
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False, verbose_name=_("uid"))
    type = models.CharField(max_length=40, choices=EventType.choices, verbose_name=_("type"))
    agreement = models.ForeignKey(
        "projects.Agreement",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("agreement"),
    )
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True, verbose_name=_("occurred at"))
    body = models.TextField(help_text=_('The JSON sent: {"type", "timestamp", "data"}.'), verbose_name=_("body"))
    key = models.CharField(max_length=120, null=True, blank=True, unique=True, verbose_name=_("key"))

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-occurred_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(type__in=EventType.values), name="webhook_event_type_valid", violation_error_code="invalid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.message_id}"

    @property
    def message_id(self) -> str:
        return f"msg_{self.uid.hex}"


class Delivery(models.Model):
    """One event owed to one endpoint, pending until a 2xx answer or until its retries run out.

    `failures` counts the failed attempts since it was queued or replayed and picks the next delay;
    while pending, `next_attempt_at` says when it is due, and moves ahead while an attempt is in flight
    (a lease: a second worker finds it not due, and a dead worker's delivery comes due again).
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("event"))
    endpoint = models.ForeignKey(
        Endpoint, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("endpoint")
    )
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING, verbose_name=_("status")
    )
    failures = models.PositiveSmallIntegerField(default=0, verbose_name=_("failures"))
    next_attempt_at = models.DateTimeField(
        null=True, blank=True, default=timezone.now, verbose_name=_("next attempt at")
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True, verbose_name=_("created at"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("finished at"))

    class Meta:
        verbose_name = _("delivery")
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = _("deliveries")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due_idx"),
            models.Index(fields=["endpoint", "-created_at"], name="webhook_delivery_endpoint_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "endpoint"],
                name="webhook_delivery_once_per_endpoint",
                violation_error_code="duplicate",
                violation_error_message=_("This event is already owed to this endpoint."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values),
                name="webhook_delivery_status_valid",
                violation_error_code="invalid",
            ),
            models.CheckConstraint(
                condition=Q(status=DeliveryStatus.PENDING, next_attempt_at__isnull=False, finished_at__isnull=True)
                | (~Q(status=DeliveryStatus.PENDING) & Q(next_attempt_at__isnull=True, finished_at__isnull=False)),
                name="webhook_delivery_due_iff_pending",
                violation_error_code="invalid",
                violation_error_message=_(
                    "A pending delivery has a next attempt time; a finished one has an end time."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint} ({self.status})"


class DeliveryAttempt(models.Model):
    """One request of a delivery: when it was sent, the answer's status and latency, and its first kilobyte."""

    delivery = models.ForeignKey(
        Delivery, on_delete=models.CASCADE, related_name="attempts", verbose_name=_("delivery")
    )
    attempted_at = models.DateTimeField(default=timezone.now, verbose_name=_("attempted at"))
    succeeded = models.BooleanField(verbose_name=_("succeeded"))
    status_code = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("Empty when no answer came."), verbose_name=_("status code")
    )
    latency_ms = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("Until the answer's headers arrived."), verbose_name=_("latency ms")
    )
    response_body = models.TextField(
        blank=True,
        help_text=format_lazy(_("The first {} bytes of the answer."), RESPONSE_KEPT_BYTES),
        verbose_name=_("response body"),
    )
    error_code = models.CharField(
        max_length=16,
        blank=True,
        choices=AttemptError.choices,
        help_text=_("Why no answer came, if none did."),
        verbose_name=_("error code"),
    )
    error_detail = models.JSONField(
        default=dict,
        blank=True,
        help_text=_("The data behind the code: the refusal and its host, the network's error."),
        verbose_name=_("error detail"),
    )

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["delivery", "attempted_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(succeeded=False) | Q(status_code__gte=200, status_code__lt=300),
                name="webhook_attempt_success_is_2xx",
                violation_error_code="invalid",
                violation_error_message=_("Only a 2xx answer is a successful attempt."),
            ),
            models.CheckConstraint(
                condition=Q(error_code__in=["", *AttemptError.values]),
                name="webhook_attempt_error_code_valid",
                violation_error_code="invalid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attempted_at:%Y-%m-%d %H:%M:%S} {self.status_code or self.error}"

    @property
    def error(self) -> str:
        """Why no answer came, in the active language (blank when one came)."""
        return attempt_error_text(self.error_code, self.error_detail)
