"""App configuration for webhooks (own label and migrations, beside the domain app)."""

from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "projects.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"
