"""App configuration for notifications (own label and migrations, beside the domain app)."""

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "projects.notifications"
    label = "notifications"
    verbose_name = "Notifications"
