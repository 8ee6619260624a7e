"""App configuration for the partner API (its tokens and idempotency keys)."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "projects.api"
    label = "api"
    verbose_name = "Partner API"

    def ready(self) -> None:
        from projects.api import schema  # noqa: F401  (registers the bearer scheme with drf-spectacular)
