"""Django admin for every domain model; every add, change and delete goes through the services."""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from projects import indicators_admin  # noqa: F401  (registers the indicator admins)
from projects.actors import actor_of
from projects.choices import AgreementStatus, ChangeOperation, ChangeTarget, CommitmentStatus
from projects.errors import DomainError
from projects.forms import BudgetChangeReason, TransitionForm, show_refusal
from projects.models import (
    Agreement,
    AgreementParty,
    Capability,
    CountryEconomy,
    Disbursement,
    ExchangeRate,
    FundingCommitment,
    Milestone,
    Organization,
    StatusChange,
    StatusReport,
    Tranche,
)
from projects.service_admin import MoneyAdmin, ReadOnlyInline, RecordAdmin
from projects.services import agreements, economies, funding, milestones, organizations, reports, tranches
from projects.services.change_requests import Submitted, change_agreement, submit_money_change

admin.site.site_header = gettext_lazy("Co-production tracker: administration")
admin.site.site_title = gettext_lazy("Co-production tracker")
admin.site.index_title = gettext_lazy("Administration")


@admin.register(Organization)
class OrganizationAdmin(RecordAdmin):
    list_display = ["name", "kind", "country", "updated_at"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def save_through_service(self, actor, obj, form, change):
        fields = organizations.ORGANIZATION_FIELDS
        if change:
            return organizations.update_organization(actor=actor, organization_id=obj.pk, **self.changed(form, fields))
        return organizations.create_organization(actor=actor, **self.values(form, fields))

    def delete_through_service(self, actor, obj):
        organizations.delete_organization(actor=actor, organization_id=obj.pk)


@admin.register(Capability)
class CapabilityAdmin(RecordAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def save_through_service(self, actor, obj, form, change):
        fields = organizations.CAPABILITY_FIELDS
        if change:
            return organizations.update_capability(actor=actor, capability_id=obj.pk, **self.changed(form, fields))
        return organizations.create_capability(actor=actor, **self.values(form, fields))

    def delete_through_service(self, actor, obj):
        organizations.delete_capability(actor=actor, capability_id=obj.pk)


class PartyInline(admin.TabularInline):
    """New roles are added and old ones removed; a role is never re-pointed in place."""

    model = AgreementParty
    extra = 1
    autocomplete_fields = ["organization"]

    def has_change_permission(self, request, obj=None):
        return False


class CommitmentInline(ReadOnlyInline):
    model = FundingCommitment
    fields = ["funder", "amount", "currency", "status", "pledged_on", "reference"]
    readonly_fields = fields


class MilestoneInline(ReadOnlyInline):
    model = Milestone
    fields = ["title", "due_on", "status", "responsible", "completed_on", "target_quantity", "actual_quantity"]
    readonly_fields = fields


@admin.register(Agreement)
class AgreementAdmin(MoneyAdmin):
    """An agreement's budget is money: a new one is proposed for approval; its other terms change at once."""

    reason_form = BudgetChangeReason
    proposes_deletions = False
    list_display = ["reference", "title", "kind", "status", "currency", "budget", "programme_manager", "updated_at"]
    list_filter = ["status", "kind", "capabilities", "currency"]
    search_fields = ["reference", "title", "parties__organization__name"]
    filter_horizontal = ["capabilities"]
    readonly_fields = ["status", "transition_link", "created_at", "updated_at"]
    inlines = [PartyInline, CommitmentInline, MilestoneInline]
    list_select_related = ["programme_manager"]
    fieldsets = [
        (None, {"fields": ["reference", "title", "title_uk", "summary", "kind", "capabilities"]}),
        (gettext_lazy("Status"), {"fields": ["status", "transition_link", "signed_on", "starts_on", "ends_on"]}),
        (gettext_lazy("Money and people"), {"fields": ["currency", "budget", "programme_manager"]}),
        (gettext_lazy("Created and changed"), {"fields": ["created_at", "updated_at"]}),
    ]

    @admin.display(description=gettext_lazy("Change status"))
    def transition_link(self, obj):
        if obj.pk is None or not obj.allowed_transitions():
            return "—"
        return format_html(
            '<a class="button" href="{}">{}</a>',
            reverse("admin:agreement-transition", args=[obj.pk]),
            _("Change status…"),
        )

    def get_urls(self):
        return [
            path("<int:pk>/transition/", self.admin_site.admin_view(self.transition_view), name="agreement-transition"),
            *super().get_urls(),
        ]

    def transition_view(self, request, pk: int):
        agreement = get_object_or_404(Agreement, pk=pk)
        if not self.has_change_permission(request, agreement):
            return HttpResponseRedirect(reverse("admin:projects_agreement_change", args=[pk]))
        form = TransitionForm(request.POST or None, agreement=agreement)
        if request.method == "POST" and form.is_valid():
            try:
                agreements.transition_agreement(actor=actor_of(request), agreement_id=pk, **form.cleaned_data)
            except DomainError as exc:
                show_refusal(form, exc)
            else:
                self.message_user(
                    request,
                    _("%(reference)s is now %(status)s.")
                    % {
                        "reference": agreement.reference,
                        "status": AgreementStatus(form.cleaned_data["to_status"]).label,
                    },
                )
                return HttpResponseRedirect(reverse("admin:projects_agreement_change", args=[pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Change status of %(agreement)s") % {"agreement": agreement},
            "form": form,
            "agreement": agreement,
            "opts": self.opts,
        }
        return render(request, "admin/projects/agreement/transition.html", context)

    def save_through_service(self, actor, obj, form, change):
        fields = self.changed(form, agreements.EDITABLE_FIELDS)
        capabilities = list(form.cleaned_data.get("capabilities") or [])
        if change:
            return change_agreement(
                actor=actor, agreement_id=obj.pk, capabilities=capabilities, reason=self.reason(form), **fields
            )
        return Submitted(record=agreements.create_agreement(actor=actor, capabilities=capabilities, **fields))

    def delete_through_service(self, actor, obj):
        agreements.delete_agreement(actor=actor, agreement_id=obj.pk)

    def save_formset(self, request, form, formset, change):
        if formset.model is not AgreementParty:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)
        actor = actor_of(request)
        # New roles first, so an organisation whose role is being replaced never stops being a party.
        for party in formset.new_objects:
            agreements.add_party(
                actor=actor, agreement_id=form.instance.pk, organization_id=party.organization_id, role=party.role
            )
        for party in formset.deleted_objects:
            agreements.remove_party(actor=actor, party_id=party.pk)


@admin.register(AgreementParty)
class AgreementPartyAdmin(RecordAdmin):
    """A role is added or removed; to change one, add the new role and remove the old."""

    list_display = ["agreement", "organization", "role"]
    list_filter = ["role"]
    search_fields = ["agreement__reference", "organization__name"]
    list_select_related = ["agreement", "organization"]
    autocomplete_fields = ["agreement", "organization"]
    editable_after_creation = False

    def save_through_service(self, actor, obj, form, change):
        return agreements.add_party(
            actor=actor, agreement_id=obj.agreement_id, organization_id=obj.organization_id, role=obj.role
        )

    def delete_through_service(self, actor, obj):
        agreements.remove_party(actor=actor, party_id=obj.pk)


class DisbursementInline(ReadOnlyInline):
    model = Disbursement
    fields = ["amount", "disbursed_on", "reference"]
    readonly_fields = fields


@admin.register(FundingCommitment)
class FundingCommitmentAdmin(MoneyAdmin):
    list_display = ["agreement", "funder", "amount", "currency", "status", "pledged_on", "reference"]
    list_filter = ["status", "currency", "funder__country"]
    search_fields = ["agreement__reference", "funder__name", "reference"]
    list_select_related = ["agreement", "funder"]
    autocomplete_fields = ["agreement", "funder"]
    inlines = [DisbursementInline]
    actions = ["confirm", "cancel"]
    # Written in the acting manager's language, as DELETION_REASON (see MoneyAdmin).
    CONFIRMATION_REASON = gettext_lazy("Confirmed as firm in the administration.")
    CANCELLATION_REASON = gettext_lazy("Cancelled in the administration.")

    def get_readonly_fields(self, request, obj=None):
        return ["agreement", "funder", "currency"] if obj else []

    def save_through_service(self, actor, obj, form, change):
        if change:
            return submit_money_change(
                actor=actor,
                target=ChangeTarget.COMMITMENT,
                operation=ChangeOperation.CHANGE,
                record_id=obj.pk,
                reason=self.reason(form),
                changes=self.changed(form, funding.COMMITMENT_EDITABLE),
            )
        data = form.cleaned_data
        return submit_money_change(
            actor=actor,
            target=ChangeTarget.COMMITMENT,
            operation=ChangeOperation.CREATE,
            agreement_id=data["agreement"].pk,
            reason=self.reason(form),
            changes={
                "funder_id": data["funder"].pk,
                **self.values(form, ["amount", "currency", "pledged_on", "status", "reference", "source"]),
            },
        )

    def delete_through_service(self, actor, obj):
        return submit_money_change(
            actor=actor,
            target=ChangeTarget.COMMITMENT,
            operation=ChangeOperation.DELETE,
            record_id=obj.pk,
            reason=str(self.DELETION_REASON),
        )

    def _move(self, request, queryset, status: str, reason: str) -> None:
        for commitment in queryset:
            try:
                self.proposed(
                    request,
                    submit_money_change(
                        actor=actor_of(request),
                        target=ChangeTarget.COMMITMENT,
                        operation=ChangeOperation.CHANGE,
                        record_id=commitment.pk,
                        reason=reason,
                        changes={"status": status},
                    ),
                )
            except DomainError as exc:
                self.message_user(request, f"{commitment}: {exc.message}", messages.ERROR)

    @admin.action(description=gettext_lazy("Confirm selected pledges as firm commitments"))
    def confirm(self, request, queryset):
        self._move(request, queryset, CommitmentStatus.COMMITTED, str(self.CONFIRMATION_REASON))

    @admin.action(description=gettext_lazy("Cancel selected commitments"))
    def cancel(self, request, queryset):
        self._move(request, queryset, CommitmentStatus.CANCELLED, str(self.CANCELLATION_REASON))


@admin.register(Disbursement)
class DisbursementAdmin(MoneyAdmin):
    list_display = ["reference", "commitment", "amount", "disbursed_on"]
    list_filter = ["disbursed_on", "commitment__currency"]
    search_fields = ["reference", "commitment__agreement__reference", "commitment__funder__name"]
    list_select_related = ["commitment__agreement", "commitment__funder"]
    autocomplete_fields = ["commitment", "tranche"]
    editable_after_creation = False

    def save_through_service(self, actor, obj, form, change):
        return submit_money_change(
            actor=actor,
            target=ChangeTarget.DISBURSEMENT,
            operation=ChangeOperation.CREATE,
            reason=self.reason(form),
            changes={
                "commitment_id": form.cleaned_data["commitment"].pk,
                "tranche_id": form.cleaned_data["tranche"].pk if form.cleaned_data.get("tranche") else None,
                **self.values(form, ["amount", "disbursed_on", "reference", "source"]),
            },
        )

    def delete_through_service(self, actor, obj):
        return submit_money_change(
            actor=actor,
            target=ChangeTarget.DISBURSEMENT,
            operation=ChangeOperation.DELETE,
            record_id=obj.pk,
            reason=str(self.DELETION_REASON),
        )


@admin.register(Tranche)
class TrancheAdmin(RecordAdmin):
    """Planned through `add_tranche`, released through `release_tranche`; to correct one, delete and add again."""

    list_display = ["commitment", "amount", "planned_on", "milestone", "released_at", "released_by"]
    list_filter = ["planned_on"]
    search_fields = ["commitment__reference", "commitment__agreement__reference", "milestone__title"]
    list_select_related = ["commitment__agreement", "commitment__funder", "milestone", "released_by"]
    autocomplete_fields = ["commitment", "milestone"]
    fields = ["commitment", "amount", "planned_on", "milestone"]
    editable_after_creation = False
    actions = ["release"]

    def get_queryset(self, request):
        """Each tranche names its currency (the commitment's), in the list and in autocomplete answers alike."""
        return super().get_queryset(request).select_related("commitment")

    def save_through_service(self, actor, obj, form, change):
        data = form.cleaned_data
        return tranches.add_tranche(
            actor=actor,
            commitment_id=data["commitment"].pk,
            amount=data["amount"],
            planned_on=data["planned_on"],
            milestone_id=data["milestone"].pk if data.get("milestone") else None,
        )

    def delete_through_service(self, actor, obj):
        tranches.delete_tranche(actor=actor, tranche_id=obj.pk)

    @admin.action(description=gettext_lazy("Release the selected tranches for payment"), permissions=["view"])
    def release(self, request, queryset):
        actor = actor_of(request)
        for tranche in queryset:
            tranches.release_tranche(actor=actor, tranche_id=tranche.pk)
        self.message_user(request, _("Tranches released."), messages.SUCCESS)


@admin.register(ExchangeRate)
class ExchangeRateAdmin(RecordAdmin):
    list_display = ["currency", "rate", "valid_on"]
    list_filter = ["currency"]
    date_hierarchy = "valid_on"

    def get_readonly_fields(self, request, obj=None):
        """A rate is a currency's value from a day on; another currency or day is another rate."""
        return ["currency", "valid_on"] if obj else []

    def save_through_service(self, actor, obj, form, change):
        return funding.set_exchange_rate(actor=actor, currency=obj.currency, rate=obj.rate, valid_on=obj.valid_on)

    def delete_through_service(self, actor, obj):
        funding.delete_exchange_rate(actor=actor, exchange_rate_id=obj.pk)


@admin.register(CountryEconomy)
class CountryEconomyAdmin(RecordAdmin):
    list_display = ["country", "year", "gdp", "currency", "source", "illustrative"]
    list_filter = ["illustrative", "year", "country"]
    search_fields = ["country", "source"]

    def save_through_service(self, actor, obj, form, change):
        fields = economies.ECONOMY_FIELDS
        if change:
            return economies.update_country_economy(actor=actor, economy_id=obj.pk, **self.changed(form, fields))
        return economies.record_country_economy(actor=actor, **self.values(form, fields))

    def delete_through_service(self, actor, obj):
        economies.delete_country_economy(actor=actor, economy_id=obj.pk)


class OverdueFilter(admin.SimpleListFilter):
    title = gettext_lazy("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", gettext_lazy("Overdue"))]

    def queryset(self, request, queryset):
        return queryset.overdue() if self.value() == "yes" else queryset


@admin.register(Milestone)
class MilestoneAdmin(RecordAdmin):
    list_display = ["title", "agreement", "due_on", "status", "is_overdue", "responsible", "progress_display"]
    list_filter = [OverdueFilter, "status", "due_on", "agreement__status"]
    search_fields = ["title", "agreement__reference", "responsible__name"]
    list_select_related = ["agreement", "responsible"]
    autocomplete_fields = ["agreement", "responsible", "owner"]
    actions = ["mark_done_today"]

    @admin.display(boolean=True, description=gettext_lazy("Overdue"))
    def is_overdue(self, obj):
        return obj.is_overdue

    @admin.display(description=gettext_lazy("Progress"))
    def progress_display(self, obj):
        if obj.target_quantity is None:
            return "—"
        done, target = (number_format(n, force_grouping=True) for n in (obj.actual_quantity or 0, obj.target_quantity))
        return f"{done} / {target} {obj.unit}"

    def get_readonly_fields(self, request, obj=None):
        return ["agreement"] if obj else []

    def save_through_service(self, actor, obj, form, change):
        fields = milestones.PLAN_FIELDS | milestones.PROGRESS_FIELDS
        if change:
            return milestones.update_milestone(actor=actor, milestone_id=obj.pk, **self.changed(form, fields))
        data = form.cleaned_data
        return milestones.create_milestone(
            actor=actor,
            agreement_id=data["agreement"].pk,
            **{name: data[name] for name in fields if name in data},
        )

    def delete_through_service(self, actor, obj):
        milestones.delete_milestone(actor=actor, milestone_id=obj.pk)

    @admin.action(description=gettext_lazy("Mark selected milestones done today"))
    def mark_done_today(self, request, queryset):
        for milestone in queryset:
            try:
                milestones.complete_milestone(
                    actor=actor_of(request), milestone_id=milestone.pk, completed_on=timezone.localdate()
                )
            except DomainError as exc:
                self.message_user(request, f"{milestone}: {exc.message}", messages.ERROR)


@admin.register(StatusReport)
class StatusReportAdmin(RecordAdmin):
    list_display = ["agreement", "reported_on", "rag", "author", "author_organization"]
    list_filter = ["rag", "reported_on"]
    search_fields = ["agreement__reference", "summary"]
    list_select_related = ["agreement", "author", "author_organization"]
    autocomplete_fields = ["agreement"]
    exclude = ["author", "author_organization"]
    editable_after_creation = False

    def save_through_service(self, actor, obj, form, change):
        return reports.post_status_report(
            actor=actor,
            agreement_id=form.cleaned_data["agreement"].pk,
            **self.values(form, ["reported_on", "rag", "summary", "risks", "next_steps"]),
        )

    def delete_through_service(self, actor, obj):
        reports.delete_status_report(actor=actor, report_id=obj.pk)


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin):
    list_display = ["agreement", "from_status", "to_status", "changed_at", "changed_by", "changed_by_organization"]
    list_filter = ["to_status"]
    search_fields = ["agreement__reference", "reason"]
    list_select_related = ["agreement", "changed_by", "changed_by_organization"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
