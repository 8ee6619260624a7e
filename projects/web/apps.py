"""The web UI app: its own label so its templatetags load; its one model is the import job."""

from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "projects.web"
    label = "web"
    verbose_name = "Web UI"

    def ready(self) -> None:
        from projects.web import language  # noqa: F401  (connects the sign-in language receiver)
