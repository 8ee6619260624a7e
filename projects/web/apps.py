"""The web UI app: its own label so its templatetags load; it has no models."""

from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "projects.web"
    label = "web"
    verbose_name = "Web UI"
