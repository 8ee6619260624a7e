"""API tokens in the admin: issued through the service, shown once, revoked rather than edited."""

from django import forms
from django.contrib import admin, messages
from django.utils import timezone

from projects.actors import actor_of
from projects.api.models import ApiToken
from projects.api.tokens import issue_token, revoke_token


class ApiTokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["name", "organization", "user", "scope", "expires_at"]

    def clean(self):
        data = super().clean()
        if data.get("user") is not None and not data["user"].is_staff:
            self.add_error("user", "Personal tokens are for programme managers (staff users).")
        if data.get("expires_at") is not None and data["expires_at"] <= timezone.now():
            self.add_error("expires_at", "The expiry must be in the future.")
        return data


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    form = ApiTokenForm
    list_display = ["prefix", "name", "organization", "user", "scope", "expires_at", "last_used_at", "revoked_at"]
    list_filter = ["scope", "revoked_at"]
    search_fields = ["prefix", "name", "organization__name", "user__username"]
    list_select_related = ["organization", "user"]
    actions = ["revoke"]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The admin wraps this view in a transaction; the token service opens its own durable one,
        # which cannot nest. Nothing else here writes, so the outer transaction is not needed.
        return self._changeform_view(request, object_id, form_url, extra_context)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ["last_used_at", "revoked_at"]
        return ["prefix", "name", "organization", "user", "scope", "expires_at", "last_used_at", "revoked_at"]

    def save_model(self, request, obj, form, change):
        """Issue through the service and show the secret in the confirmation message, this one time."""
        if change:
            return
        data = form.cleaned_data
        token, raw = issue_token(
            actor=actor_of(request),
            scope=data["scope"],
            organization=data["organization"],
            user=data["user"],
            expires_at=data["expires_at"],
            name=data["name"],
        )
        obj.pk, obj.prefix, obj.key_hash = token.pk, token.prefix, token.key_hash
        messages.warning(request, f"Copy the token now; it will not be shown again: {raw}")

    @admin.action(description="Revoke selected tokens")
    def revoke(self, request, queryset):
        for token in queryset.filter(revoked_at__isnull=True):
            revoke_token(actor=actor_of(request), token_id=token.pk)
        self.message_user(request, f"Revoked at {timezone.now():%Y-%m-%d %H:%M} UTC.", messages.SUCCESS)
