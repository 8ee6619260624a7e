"""Alerts in the admin: thresholds changed through their service; alerts listed and acknowledged through theirs."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from projects.actors import actor_of
from projects.alerts.models import Alert, AlertRule, AlertState
from projects.alerts.services import acknowledge_alert, set_alert_rule
from projects.service_admin import ServiceAdmin


@admin.register(AlertRule)
class AlertRuleAdmin(ServiceAdmin):
    """One row per kind, made by the migrations: thresholds are changed, rules never added or removed."""

    list_display = ["kind", "days", "active"]
    fields = ["kind", "days", "active"]
    readonly_fields = ["kind"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_through_service(self, actor, obj, form, change):
        return set_alert_rule(actor=actor, rule_id=obj.pk, **self.values(form, ["days", "active"]))


@admin.register(Alert)
class AlertAdmin(ServiceAdmin):
    """Raised by the daily evaluation only; here they are read, and acknowledged in bulk."""

    list_display = ["kind", "agreement", "subject", "since", "raised_at", "state", "snoozed_until", "handled_by"]
    list_filter = ["state", "kind"]
    list_select_related = ["agreement", "handled_by"]
    search_fields = ["agreement__reference", "subject_facts"]  # the names and titles in it, in either language
    date_hierarchy = "raised_at"
    actions = ["acknowledge"]
    exclude = ["subject_type", "subject_id", "subject_facts"]  # shown as one subject, worded in the reader's language
    readonly_fields = ["subject"]

    @admin.display(description=_("subject"))
    def subject(self, obj: Alert) -> str:
        return obj.subject_label

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Acknowledge the selected alerts"), permissions=["view"])
    def acknowledge(self, request, queryset):
        actor = actor_of(request)
        for alert in queryset.exclude(state__in=[AlertState.RESOLVED, AlertState.ACKNOWLEDGED]):
            acknowledge_alert(actor=actor, alert_id=alert.pk)
        self.message_user(request, _("Alerts acknowledged."), messages.SUCCESS)
