"""App configuration for the domain app."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Co-production")

    def ready(self) -> None:
        from projects import attribution  # noqa: F401  (connects the history actor stamp)
