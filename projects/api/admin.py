"""API tokens in the admin: issued through the token service, shown once, revoked rather than edited."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy

from projects.actors import actor_of
from projects.api.models import ApiToken
from projects.api.tokens import issue_token, revoke_token
from projects.errors import DomainError


class ApiTokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["name", "organization", "user", "scope", "expires_at"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    form = ApiTokenForm
    list_display = ["prefix", "name", "organization", "user", "scope", "expires_at", "last_used_at", "revoked_at"]
    list_filter = ["scope", "revoked_at"]
    search_fields = ["prefix", "name", "organization__name", "user__username"]
    list_select_related = ["organization", "user"]
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["prefix", "last_used_at", "revoked_at"]

    def has_change_permission(self, request, obj=None):
        """A token is never edited: its page is for reading; revoke it and issue another instead."""
        return False

    def has_revoke_permission(self, request):
        return request.user.has_perm("api.change_apitoken")

    def add_view(self, request, form_url="", extra_context=None):
        """Issue through the service (which owns every rule) and show the secret on a page of its own.

        Not the admin's usual save: that runs in the admin's transaction, which the service's durable
        one cannot join, and its confirmation would carry the secret in the messages cookie.
        """
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = self.get_form(request)(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                token, raw = issue_token(actor=actor_of(request), **form.cleaned_data)
            except DomainError as exc:
                form.add_error(exc.field, exc.message)
            else:
                return self.issued(request, token, raw)
        admin_form = helpers.AdminForm(form, self.get_fieldsets(request), {}, model_admin=self)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext_lazy("Issue an API token"),
            "adminform": admin_form,
            "errors": helpers.AdminErrorList(form, []),
            "media": self.media + admin_form.media,
            "inline_admin_formsets": [],
            "is_popup": False,
            "to_field": None,
            "show_save_and_add_another": False,
            "show_save_and_continue": False,
        }
        return self.render_change_form(request, context, add=True, form_url=form_url)

    def issued(self, request, token: ApiToken, raw: str) -> TemplateResponse:
        """The one page that ever holds the secret; no browser or proxy may keep a copy of it."""
        context = {
            **self.admin_site.each_context(request),
            "title": gettext_lazy("API token issued"),
            "token": token,
            "raw": raw,
        }
        context["opts"] = self.opts
        response = TemplateResponse(request, "admin/api/apitoken/issued.html", context)
        add_never_cache_headers(response)
        return response

    @admin.action(description=gettext_lazy("Revoke selected tokens"), permissions=["revoke"])
    def revoke(self, request, queryset):
        for token in queryset.filter(revoked_at__isnull=True):
            revoke_token(actor=actor_of(request), token_id=token.pk)
        revoked_at = date_format(timezone.localtime(), "DATETIME_FORMAT")
        self.message_user(request, gettext("Revoked at %(time)s.") % {"time": revoked_at}, messages.SUCCESS)
