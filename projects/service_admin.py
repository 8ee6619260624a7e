"""The admin's way of writing: every add, change and delete through a service, each page one transaction."""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from projects.actors import actor_of
from projects.errors import DomainError, ErrorCode
from projects.forms import ChangeReason, show_refusal
from projects.services.four_eyes import four_eyes_on
from projects.services.service import batch


def refusal_text(exc: DomainError) -> str:
    return " ".join(message for messages_ in exc.errors.values() for message in messages_)


class ServiceAdmin(admin.ModelAdmin):
    """Saves and deletes through services instead of `obj.save()` and `obj.delete()`.

    Subclasses define `save_through_service(actor, obj, form, change)`, returning the saved row, and
    `delete_through_service(actor, obj)`. A page that writes (a form with its inlines, a deletion, an
    action over the selected rows) runs as one `batch()`: if a service refuses, nothing of it is kept.
    Records that are corrected by deleting and adding again set `editable_after_creation = False`.
    """

    editable_after_creation = True

    def has_change_permission(self, request, obj=None):
        if obj is not None and not self.editable_after_creation:
            return False
        return super().has_change_permission(request, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            with batch():
                return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as exc:
            # Nothing was kept: show the same input again, the refusal beside the fields it names.
            request.service_refusal = exc
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        refusal = getattr(request, "service_refusal", None)
        if refusal is None:
            return form_class

        class RefusedForm(form_class):
            def clean(self):
                cleaned_data = super().clean()
                show_refusal(self, refusal)
                return cleaned_data

        return RefusedForm

    def delete_view(self, request, object_id, extra_context=None):
        return self.as_one_batch(request, super().delete_view, request, object_id, extra_context)

    def changelist_view(self, request, extra_context=None):
        if request.method == "POST" and self.list_editable and "_save" in request.POST:
            # Rows edited in the list save as one batch, like a form page.
            return self.as_one_batch(request, super().changelist_view, request, extra_context)
        return super().changelist_view(request, extra_context)

    def response_action(self, request, queryset):
        return self.as_one_batch(request, super().response_action, request, queryset)

    def as_one_batch(self, request, view, *args):
        try:
            with batch():
                return view(*args)
        except DomainError as exc:
            self.message_user(request, refusal_text(exc), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        saved = self.save_through_service(actor_of(request), obj, form, change)
        obj.pk = saved.pk

    def save_related(self, request, form, formsets, change):
        """Many-to-many values went to the service with the record; inlines save through their services."""
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request, obj):
        self.delete_through_service(actor_of(request), obj)

    def delete_queryset(self, request, queryset):
        """Each selected row goes through its service; if any is refused, none is deleted and each refusal is named."""
        actor = actor_of(request)
        refusals = []
        for obj in queryset:
            try:
                self.delete_through_service(actor, obj)
            except DomainError as exc:
                refusals.append(f"{obj}: {refusal_text(exc)}")
        if refusals:
            raise DomainError(ErrorCode.CONFLICT, " ".join([_("Nothing was deleted."), *refusals]))

    @staticmethod
    def changed(form, fields) -> dict:
        return {name: form.cleaned_data[name] for name in form.changed_data if name in fields}

    @staticmethod
    def values(form, fields) -> dict:
        return {name: form.cleaned_data[name] for name in fields}


class RecordAdmin(ServiceAdmin, SimpleHistoryAdmin):
    """A domain record's admin: writes through its services, and its history beside it."""

    def get_inline_instances(self, request, obj=None):
        """Read-only inlines list existing rows; a new record has none."""
        inlines = super().get_inline_instances(request, obj)
        return inlines if obj is not None else [i for i in inlines if not isinstance(i, ReadOnlyInline)]


class ReadOnlyInline(admin.TabularInline):
    """Rows with rules of their own, shown here and edited on their own pages."""

    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class MoneyAdmin(RecordAdmin):
    """Money records: with four-eyes control on, adding, changing and deleting propose a change request.

    The add and change forms ask for the reason; a deletion (one, or the selected rows) states that it
    was asked for here. Nothing is logged as done, and the page says the change waits for approval.

    A reason is the proposer's statement, kept as written in the request, its history and the webhook
    that announces it; the fixed reasons stand in for what the proposer would have typed, so they are
    written once in the proposer's language (the admin's, when they act), like a typed one.
    """

    DELETION_REASON = gettext_lazy("Deletion asked for in the administration.")
    reason_form = ChangeReason
    proposes_deletions = True

    def get_form(self, request, obj=None, change=False, **kwargs):
        if kwargs.get("fields"):  # the reason is the form's own field, not the model's
            kwargs["fields"] = [name for name in kwargs["fields"] if name != "reason"]
        form_class = super().get_form(request, obj, change, **kwargs)
        if not four_eyes_on():
            return form_class
        return type(form_class.__name__, (self.reason_form, form_class), {})

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        read_only = obj is not None and not self.editable_after_creation
        if four_eyes_on() and not read_only and not any("reason" in options["fields"] for _name, options in fieldsets):
            fieldsets = [*fieldsets, (gettext_lazy("Approval"), {"fields": ["reason"]})]
        return fieldsets

    def get_actions(self, request):
        """Bulk deletion would report rows as deleted that only wait for approval: delete them one by one."""
        actions = super().get_actions(request)
        if four_eyes_on() and self.proposes_deletions:
            actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        submitted = self.save_through_service(actor_of(request), obj, form, change)
        self.proposed(request, submitted)
        if submitted.record is not None:
            obj.pk = submitted.record.pk

    def delete_model(self, request, obj):
        self.proposed(request, self.delete_through_service(actor_of(request), obj))

    @staticmethod
    def proposed(request, submitted) -> None:
        if submitted is not None and submitted.change_request is not None:
            request.change_requests = [*getattr(request, "change_requests", []), submitted.change_request]

    @staticmethod
    def reason(form) -> str:
        return form.cleaned_data.get("reason", "")

    def log_addition(self, request, obj, message):
        if obj.pk is not None:
            super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        if not getattr(request, "change_requests", None):
            super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        if not (four_eyes_on() and self.proposes_deletions):
            super().log_deletions(request, queryset)

    def waiting(self, request):
        """After a proposal: say so, and show the approvals queue instead of a record that did not change."""
        numbers = ", ".join(f"#{change_request.pk}" for change_request in request.change_requests)
        self.message_user(request, _("Sent for approval as change request %(numbers)s.") % {"numbers": numbers})
        return HttpResponseRedirect(reverse("approvals"))

    def response_add(self, request, obj, post_url_continue=None):
        if getattr(request, "change_requests", None):
            return self.waiting(request)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if getattr(request, "change_requests", None):
            return self.waiting(request)
        return super().response_change(request, obj)

    def response_delete(self, request, obj_display, obj_id):
        if getattr(request, "change_requests", None):
            return self.waiting(request)
        return super().response_delete(request, obj_display, obj_id)

    def response_action(self, request, queryset):
        response = super().response_action(request, queryset)
        if getattr(request, "change_requests", None):
            return self.waiting(request)
        return response
