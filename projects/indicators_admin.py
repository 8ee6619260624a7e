"""Django admin for indicators and their periods; every write goes through the indicator services.

A locked period's form is refused as a whole (409 `period_locked` on the API); the unlock page asks
for the reason that the period's history keeps.
"""

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from projects.actors import actor_of
from projects.choices import PeriodState
from projects.errors import DomainError
from projects.forms import show_refusal
from projects.models import Indicator, IndicatorPeriod
from projects.service_admin import ReadOnlyInline, RecordAdmin
from projects.services import indicators


class PeriodInline(ReadOnlyInline):
    model = IndicatorPeriod
    fields = ["starts_on", "ends_on", "target", "actual", "state"]
    readonly_fields = fields


@admin.register(Indicator)
class IndicatorAdmin(RecordAdmin):
    list_display = ["title", "agreement", "kind", "unit", "capability", "target", "responsible"]
    list_filter = ["kind", "capability"]
    search_fields = ["title", "agreement__reference", "unit"]
    list_select_related = ["agreement", "capability", "responsible"]
    autocomplete_fields = ["agreement", "responsible"]
    inlines = [PeriodInline]

    def get_readonly_fields(self, request, obj=None):
        return ["agreement"] if obj else []

    def save_through_service(self, actor, obj, form, change):
        fields = indicators.INDICATOR_FIELDS
        if change:
            return indicators.update_indicator(actor=actor, indicator_id=obj.pk, **self.changed(form, fields))
        data = form.cleaned_data
        return indicators.create_indicator(
            actor=actor, agreement_id=data["agreement"].pk, **{name: data[name] for name in fields if name in data}
        )

    def delete_through_service(self, actor, obj):
        indicators.delete_indicator(actor=actor, indicator_id=obj.pk)


class UnlockForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), help_text=_("Kept in the period's history.")
    )


@admin.register(IndicatorPeriod)
class IndicatorPeriodAdmin(RecordAdmin):
    """Dates and target re-plan the period; a new actual (with its source) is a report, verified again after."""

    list_display = ["indicator", "starts_on", "ends_on", "target", "actual", "state", "reported_at", "verified_by"]
    list_filter = ["state", "indicator__kind", "indicator__capability"]
    search_fields = ["indicator__title", "indicator__agreement__reference"]
    list_select_related = ["indicator", "verified_by"]
    autocomplete_fields = ["indicator"]
    actions = ["verify", "lock"]
    recorded = [
        "state",
        "unlock_link",
        "reported_at",
        "reported_by_user",
        "reported_by_organization",
        "verified_by",
        "verified_at",
    ]

    def get_fields(self, request, obj=None):
        planned = ["starts_on", "ends_on", "target"]
        return [*planned, "actual", "source", *self.recorded] if obj else ["indicator", *planned]

    def get_readonly_fields(self, request, obj=None):
        return self.recorded if obj else []

    @admin.display(description=_("Unlock"))
    def unlock_link(self, obj):
        if obj.pk is None or obj.state != PeriodState.LOCKED:
            return "—"
        return format_html(
            '<a class="button" href="{}">{}</a>', reverse("admin:indicator-period-unlock", args=[obj.pk]), _("Unlock…")
        )

    def save_through_service(self, actor, obj, form, change):
        if not change:
            data = form.cleaned_data
            return indicators.open_period(
                actor=actor,
                indicator_id=data["indicator"].pk,
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                target=data["target"],
            )
        planned = self.changed(form, indicators.PERIOD_FIELDS)
        if planned or (obj.state == PeriodState.LOCKED and form.changed_data):
            indicators.update_period(actor=actor, period_id=obj.pk, **planned)
        if {"actual", "source"} & set(form.changed_data):
            indicators.report_actual(
                actor=actor, period_id=obj.pk, actual=form.cleaned_data["actual"], source=form.cleaned_data["source"]
            )
        return obj

    def delete_through_service(self, actor, obj):
        indicators.delete_period(actor=actor, period_id=obj.pk)

    def _step(self, request, queryset, service) -> None:
        for period in queryset:
            try:
                service(actor=actor_of(request), period_id=period.pk)
            except DomainError as exc:
                self.message_user(request, f"{period}: {exc.message}", messages.ERROR)

    @admin.action(description=_("Verify the selected reported periods"))
    def verify(self, request, queryset):
        self._step(request, queryset, indicators.verify_period)

    @admin.action(description=_("Lock the selected verified periods"))
    def lock(self, request, queryset):
        self._step(request, queryset, indicators.lock_period)

    def get_urls(self):
        return [
            path("<int:pk>/unlock/", self.admin_site.admin_view(self.unlock_view), name="indicator-period-unlock"),
            *super().get_urls(),
        ]

    def unlock_view(self, request, pk: int):
        period = get_object_or_404(IndicatorPeriod.objects.select_related("indicator"), pk=pk)
        back = reverse("admin:projects_indicatorperiod_change", args=[pk])
        if not self.has_change_permission(request, period):
            return HttpResponseRedirect(back)
        form = UnlockForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                indicators.unlock_period(actor=actor_of(request), period_id=pk, reason=form.cleaned_data["reason"])
            except DomainError as exc:
                show_refusal(form, exc)
            else:
                self.message_user(request, _("The period is unlocked; it stays verified until it changes."))
                return HttpResponseRedirect(back)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Unlock %(period)s") % {"period": period},
            "form": form,
            "period": period,
            "opts": self.opts,
        }
        return render(request, "admin/projects/indicatorperiod/unlock.html", context)
