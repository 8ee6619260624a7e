"""Webhooks in the admin: endpoints written through their services, secrets shown once, deliveries replayed."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from projects.service_admin import ReadOnlyInline, ServiceAdmin, actor_of
from projects.webhooks import services
from projects.webhooks.choices import EventType
from projects.webhooks.models import Delivery, DeliveryAttempt, Endpoint


def queued_again(count: int) -> str:
    return ngettext("%(count)d delivery queued again.", "%(count)d deliveries queued again.", count) % {"count": count}


class EndpointForm(forms.ModelForm):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")
    events = forms.TypedMultipleChoiceField(
        label=_("Events"), choices=EventType.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Endpoint
        fields = ["url", "events", "description", "active", "organization"]
        help_texts = {"organization": _("Leave empty for an endpoint of your own, which hears of every agreement.")}


class ReplaySinceForm(forms.Form):
    since = forms.DateTimeField(
        label=_("Since"), help_text=_("Events from this time on are sent again, e.g. 2026-11-28 06:00.")
    )


@admin.register(Endpoint)
class EndpointAdmin(ServiceAdmin):
    form = EndpointForm
    list_display = ["url", "owner", "active", "failing_since", "disabled_at", "updated_at"]
    list_filter = ["active"]
    search_fields = ["url", "description", "organization__name", "user__username"]
    list_select_related = ["organization", "user"]
    readonly_fields = ["user", "failing_since", "disabled_at", "why_disabled", "owner_told_at"]
    actions = ["rotate_secret", "replay_since"]

    @admin.display(description=_("Why it was disabled"))
    def why_disabled(self, obj: Endpoint) -> str:
        return obj.disabled_reason

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields + (["organization"] if obj is not None else [])

    def save_through_service(self, actor, obj, form, change):
        if change:
            fields = self.changed(form, services.ENDPOINT_FIELDS)
            return services.update_endpoint(actor=actor, endpoint_id=obj.pk, **fields)
        organization = form.cleaned_data.get("organization")
        endpoint, secret = services.subscribe(
            actor=actor,
            organization_id=organization.pk if organization else None,
            **self.values(form, ["url", "events", "description", "active"]),
        )
        obj.new_secret = secret  # the admin hands this same object to `response_add`
        return endpoint

    def delete_through_service(self, actor, obj):
        services.delete_endpoint(actor=actor, endpoint_id=obj.pk)

    def response_add(self, request, obj, post_url_continue=None):
        """The one page that ever shows the new secret; no browser or proxy may keep a copy of it."""
        return self.secrets_page(request, [(obj, obj.new_secret)])

    def secrets_page(self, request, secrets: list[tuple[Endpoint, str]]) -> TemplateResponse:
        context = {**self.admin_site.each_context(request), "title": _("Signing secret"), "secrets": secrets}
        context["opts"] = self.opts
        response = TemplateResponse(request, "admin/webhooks/endpoint/secret.html", context)
        add_never_cache_headers(response)
        return response

    @admin.action(description=_("Rotate the signing secret (the old one stays valid for 24 hours)"))
    def rotate_secret(self, request, queryset):
        actor = actor_of(request)
        rotated = [(endpoint, services.rotate_secret(actor=actor, endpoint_id=endpoint.pk)) for endpoint in queryset]
        return self.secrets_page(request, rotated)

    @admin.action(description=_("Replay deliveries since a time…"))
    def replay_since(self, request, queryset):
        form = ReplaySinceForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            actor = actor_of(request)
            since = form.cleaned_data["since"]
            count = sum(services.replay_since(actor=actor, endpoint_id=e.pk, since=since) for e in queryset)
            self.message_user(request, queued_again(count), messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Replay deliveries since a time"),
            "form": form,
            "endpoints": queryset,
            "opts": self.opts,
        }
        return TemplateResponse(request, "admin/webhooks/endpoint/replay_since.html", context)


class AttemptInline(ReadOnlyInline):
    model = DeliveryAttempt
    fields = ["attempted_at", "succeeded", "status_code", "latency_ms", "why_no_answer", "response_body"]
    readonly_fields = fields
    show_change_link = False

    @admin.display(description=_("Why no answer came"))
    def why_no_answer(self, obj: DeliveryAttempt) -> str:
        return obj.error


@admin.register(Delivery)
class DeliveryAdmin(ServiceAdmin):
    list_display = ["event", "endpoint", "status", "failures", "next_attempt_at", "finished_at"]
    list_filter = ["status", "event__type"]
    search_fields = ["endpoint__url", "event__uid"]
    list_select_related = ["event", "endpoint"]
    readonly_fields = ["event", "endpoint", "status", "failures", "next_attempt_at", "created_at", "finished_at"]
    inlines = [AttemptInline]
    actions = ["replay"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Replay the selected deliveries (same webhook-id)"))
    def replay(self, request, queryset):
        actor = actor_of(request)
        for delivery in queryset:
            services.replay_delivery(actor=actor, endpoint_id=delivery.endpoint_id, delivery_id=delivery.pk)
        self.message_user(request, queued_again(queryset.count()), messages.SUCCESS)
