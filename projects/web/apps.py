"""The web UI app: its own label so its templatetags load; its one model is the import job."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "projects.web"
    label = "web"
    verbose_name = _("Web UI")

    def ready(self) -> None:
        from projects.web import language  # noqa: F401  (connects the sign-in language receiver)
