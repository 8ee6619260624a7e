"""App configuration for notifications (own label and migrations, beside the domain app)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "projects.notifications"
    label = "notifications"
    verbose_name = _("Notifications")
