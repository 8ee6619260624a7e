"""API tokens (only their hash is stored) and the idempotency keys of POST requests."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A stored response is replayed for this long; an older key may be reused for a new request.
IDEMPOTENCY_WINDOW = timedelta(hours=24)


class TokenScope(models.TextChoices):
    READ = "read", _("Read")
    WRITE = "write", _("Write")


class ApiToken(models.Model):
    """A bearer credential of a partner organisation or a staff user; the secret itself is never stored."""

    name = models.CharField(
        max_length=120, blank=True, help_text=_("What the token is for, e.g. ERP sync."), verbose_name=_("name")
    )
    prefix = models.CharField(
        max_length=12, help_text=_("The token's first characters, to recognise it."), verbose_name=_("prefix")
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False, verbose_name=_("key hash"))
    organization = models.ForeignKey(
        "projects.Organization",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("organisation"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    scope = models.CharField(max_length=8, choices=TokenScope.choices, default=TokenScope.READ, verbose_name=_("scope"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    expires_at = models.DateTimeField(null=True, blank=True, verbose_name=_("expires at"))
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False, verbose_name=_("last used at"))
    revoked_at = models.DateTimeField(null=True, blank=True, verbose_name=_("revoked at"))

    class Meta:
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        constraints = [
            models.CheckConstraint(
                condition=Q(organization__isnull=True, user__isnull=False)
                | Q(organization__isnull=False, user__isnull=True),
                name="api_token_one_owner",
                violation_error_code="invalid",
                violation_error_message=_("A token belongs to an organisation or to a user, not both."),
            ),
            models.CheckConstraint(
                condition=Q(scope__in=TokenScope.values), name="api_token_scope_valid", violation_error_code="invalid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.owner}, {self.scope})"

    @property
    def owner(self):
        return self.organization or self.user


class IdempotencyKey(models.Model):
    """The first response to a POST carrying an `Idempotency-Key`, replayed to retries of the same request.

    A row without `response_status` is a request still in flight: it claims the key, so a concurrent
    retry cannot run the write a second time.
    """

    token = models.ForeignKey(
        ApiToken, on_delete=models.CASCADE, related_name="idempotency_keys", verbose_name=_("token")
    )
    key = models.CharField(max_length=255, verbose_name=_("key"))
    fingerprint = models.CharField(
        max_length=64, help_text=_("Hash of method, path and body."), verbose_name=_("fingerprint")
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True, verbose_name=_("created at"))
    response_status = models.PositiveSmallIntegerField(null=True, blank=True, verbose_name=_("response status"))
    response_body = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder, verbose_name=_("response body"))
    response_headers = models.JSONField(default=dict, blank=True, verbose_name=_("response headers"))

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(
                fields=["token", "key"], name="idempotency_key_unique_per_token", violation_error_code="duplicate"
            )
        ]

    def __str__(self) -> str:
        return self.key
