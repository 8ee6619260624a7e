"""App configuration for the partner API (its tokens and idempotency keys)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "projects.api"
    label = "api"
    verbose_name = _("Partner API")

    def ready(self) -> None:
        from projects.api import schema  # noqa: F401  (registers the bearer scheme with drf-spectacular)
