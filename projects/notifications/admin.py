"""Admin for contacts, preferences and reminder rules; the delivery log is read-only."""

from django.contrib import admin

from projects.errors import DomainError, ErrorCode
from projects.notifications.models import Contact, Delivery, Recipient, RemindedMilestone, ReminderRule
from projects.notifications.services import (
    add_contact,
    delete_contact,
    delete_reminder_rule,
    save_reminder_rule,
    set_preferences,
)
from projects.service_admin import ServiceAdmin


@admin.register(Contact)
class ContactAdmin(ServiceAdmin):
    """Added as `add_contact` adds them (with their e-mail preferences); to correct one, remove and add again."""

    list_display = ["name", "email", "organization"]
    list_select_related = ["organization"]
    search_fields = ["name", "email", "organization__name"]
    editable_after_creation = False

    def save_through_service(self, actor, obj, form, change):
        return add_contact(actor=actor, organization_id=obj.organization_id, name=obj.name, email=obj.email)

    def delete_through_service(self, actor, obj):
        delete_contact(actor=actor, contact_id=obj.pk)


@admin.register(Recipient)
class RecipientAdmin(ServiceAdmin):
    """Preferences change as on the preferences page; a recipient comes and goes with its user or contact."""

    fields = ["user", "contact", "digest_frequency", "reminders_enabled", "language"]
    readonly_fields = ["user", "contact"]
    list_display = ["__str__", "digest_frequency", "reminders_enabled", "language"]
    list_select_related = ["user", "contact"]
    list_filter = ["digest_frequency", "reminders_enabled", "language"]
    search_fields = ["user__username", "user__email", "contact__name", "contact__email"]

    def has_add_permission(self, request) -> bool:
        return False

    def save_through_service(self, actor, obj, form, change):
        choices = {
            "digest_frequency": obj.digest_frequency,
            "reminders_enabled": obj.reminders_enabled,
            "language": obj.language,
        }
        return set_preferences(actor=actor, recipient_id=obj.pk, **choices)

    def delete_through_service(self, actor, obj):
        if obj.contact_id is None:
            raise DomainError(ErrorCode.CONFLICT, "A user's preferences go with the user: turn them off instead.")
        delete_contact(actor=actor, contact_id=obj.contact_id)


@admin.register(ReminderRule)
class ReminderRuleAdmin(ServiceAdmin):
    list_display = ["__str__", "kind", "days", "active"]
    list_editable = ["active"]

    def save_through_service(self, actor, obj, form, change):
        fields = {"kind": obj.kind, "days": obj.days, "active": obj.active}
        return save_reminder_rule(actor=actor, rule_id=obj.pk if change else None, **fields)

    def delete_through_service(self, actor, obj):
        delete_reminder_rule(actor=actor, rule_id=obj.pk)


class RemindedMilestoneInline(admin.TabularInline):
    """The milestones a reminder message listed."""

    model = RemindedMilestone
    fields = readonly_fields = ["milestone", "due_on", "rule"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    inlines = [RemindedMilestoneInline]
    list_display = ["kind", "recipient", "on_date", "period", "status", "subject", "attempts", "sent_at"]
    list_filter = ["kind", "status", "period"]
    list_select_related = ["recipient__user", "recipient__contact"]
    date_hierarchy = "on_date"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
