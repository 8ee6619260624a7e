"""App configuration for alerts (own label and migrations, beside the domain app)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "projects.alerts"
    label = "alerts"
    verbose_name = _("Alerts")
