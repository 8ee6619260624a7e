"""App configuration for the domain app."""

from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = "Co-production"

    def ready(self) -> None:
        from projects import attribution  # noqa: F401  (connects the history actor stamp)
