"""App configuration for webhooks (own label and migrations, beside the domain app)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "projects.webhooks"
    label = "webhooks"
    verbose_name = _("Webhooks")
