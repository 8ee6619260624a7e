"""Admin for contacts, preferences and reminder rules; the delivery log is read-only."""

from django.contrib import admin

from projects.notifications.models import Contact, Delivery, Recipient, RemindedMilestone, ReminderRule
from projects.notifications.services import add_contact, delete_contact
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
class RecipientAdmin(admin.ModelAdmin):
    list_display = ["__str__", "digest_frequency", "reminders_enabled", "language"]
    list_select_related = ["user", "contact"]
    list_filter = ["digest_frequency", "reminders_enabled", "language"]
    search_fields = ["user__username", "user__email", "contact__name", "contact__email"]
    raw_id_fields = ["user", "contact"]


@admin.register(ReminderRule)
class ReminderRuleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "days", "active"]
    list_editable = ["active"]


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
