"""Every write of the web UI: one view per use case, each calling one service.

Forms parse the input; the service decides. A refusal (DomainError) goes next to the field it names,
or above the form, with the user's input kept; a stale form is refused through `expected_updated_at`.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import FormView

from projects.actors import actor_of
from projects.choices import ChangeOperation, ChangeTarget
from projects.errors import DomainError
from projects.forms import TransitionForm, show_refusal
from projects.models import Agreement, AgreementParty, FundingCommitment, Milestone
from projects.services.agreements import add_party, create_agreement, remove_party, transition_agreement
from projects.services.change_requests import change_agreement, submit_money_change
from projects.services.milestones import complete_milestone, create_milestone, update_milestone
from projects.services.reports import post_status_report
from projects.web import forms
from projects.web.access import ManagerRequiredMixin


def sent_for_approval(change_request) -> str:
    return _("Change request #%(pk)s sent: it takes effect when a second programme manager approves it.") % {
        "pk": change_request.pk
    }


class ServiceFormView(ManagerRequiredMixin, FormView):
    """Shows a form, feeds it to `perform` (one service call), and returns to the agreement's page.

    Subclasses define `perform(form, actor)`: call the service and return the success message.
    """

    template_name = "projects/form.html"
    title = ""
    submit_label = "Save"

    @cached_property
    def record(self):
        """Loaded after the sign-in and role checks, so the anonymous learn nothing from a 404."""
        return self.get_record()

    def get_record(self):
        return get_object_or_404(Agreement, pk=self.kwargs["pk"])

    @property
    def agreement(self) -> Agreement:
        return self.record if isinstance(self.record, Agreement) else self.record.agreement

    def form_valid(self, form):
        try:
            message = self.perform(form, actor_of(self.request))
        except DomainError as exc:
            show_refusal(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, message)
        return redirect(self.get_success_url())

    def get_success_url(self) -> str:
        return reverse("agreement", args=[self.agreement.pk])

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=self.title, submit_label=self.submit_label, agreement=self.agreement, **kwargs
        )


class AgreementCreateView(ServiceFormView):
    form_class = forms.AgreementForm
    title = "New agreement"
    submit_label = "Create agreement"

    def get_record(self):
        return None

    @property
    def agreement(self):
        return getattr(self, "created", None)

    def perform(self, form, actor):
        data = form.changes()
        data["capabilities"] = list(data["capabilities"])
        self.created = create_agreement(actor=actor, **data)
        return f"Agreement {self.created.reference} created as a draft."


class AgreementEditView(ServiceFormView):
    form_class = forms.AgreementEditForm
    submit_label = "Save changes"

    @property
    def title(self):
        return f"Edit {self.record.reference}"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.record}

    def perform(self, form, actor):
        data = form.changes()
        data["capabilities"] = list(data["capabilities"])
        submitted = change_agreement(
            actor=actor,
            agreement_id=self.record.pk,
            expected_updated_at=form.cleaned_data["expected_updated_at"],
            reason=form.cleaned_data["reason"],
            **data,
        )
        if submitted.change_request:
            return _("Agreement saved; the new budget waits for approval (change request #%(pk)s).") % {
                "pk": submitted.change_request.pk
            }
        return _("Agreement saved.")


class TransitionView(ServiceFormView):
    form_class = TransitionForm
    submit_label = "Change status"

    @property
    def title(self):
        return f"Change the status of {self.record.reference}"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "agreement": self.record}

    def perform(self, form, actor):
        change = transition_agreement(actor=actor, agreement_id=self.record.pk, **form.cleaned_data)
        return f"Status changed from {change.get_from_status_display()} to {change.get_to_status_display()}."


class PartyAddView(ServiceFormView):
    form_class = forms.PartyForm
    submit_label = "Add party"
    title = "Add a party"

    def perform(self, form, actor):
        party = add_party(
            actor=actor,
            agreement_id=self.record.pk,
            organization_id=form.cleaned_data["organization"].pk,
            role=form.cleaned_data["role"],
        )
        return f"{party.organization} added as {party.get_role_display().lower()}."


class PartyRemoveView(ServiceFormView):
    form_class = forms.ConfirmForm
    submit_label = "Remove"

    def get_record(self):
        return get_object_or_404(
            AgreementParty.objects.select_related("agreement", "organization"), pk=self.kwargs["pk"]
        )

    @property
    def title(self):
        return f"Remove {self.record} from {self.record.agreement.reference}?"

    def perform(self, form, actor):
        remove_party(actor=actor, party_id=self.record.pk)
        return f"{self.record} removed."


class CommitmentCreateView(ServiceFormView):
    form_class = forms.CommitmentForm
    title = "Record a pledge or commitment"
    submit_label = "Record"

    def get_initial(self):
        return {"currency": self.record.currency}

    def perform(self, form, actor):
        data, reason = form.proposal()
        data["funder_id"] = data.pop("funder").pk
        submitted = submit_money_change(
            actor=actor,
            target=ChangeTarget.COMMITMENT,
            operation=ChangeOperation.CREATE,
            agreement_id=self.record.pk,
            reason=reason,
            changes=data,
        )
        if submitted.change_request:
            return sent_for_approval(submitted.change_request)
        commitment = submitted.record
        return f"{commitment.get_status_display()} {commitment.amount:,} {commitment.currency} recorded."


class CommitmentEditView(ServiceFormView):
    form_class = forms.CommitmentEditForm
    submit_label = "Save changes"

    def get_record(self):
        return get_object_or_404(FundingCommitment.objects.select_related("agreement", "funder"), pk=self.kwargs["pk"])

    @property
    def title(self):
        return f"Edit the commitment of {self.record.funder}"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.record}

    def perform(self, form, actor):
        submitted = submit_money_change(
            actor=actor,
            target=ChangeTarget.COMMITMENT,
            operation=ChangeOperation.CHANGE,
            record_id=self.record.pk,
            expected_updated_at=form.cleaned_data["expected_updated_at"],
            reason=form.cleaned_data["reason"],
            changes=form.changes(),
        )
        if submitted.change_request:
            return sent_for_approval(submitted.change_request)
        return "Commitment saved."


class DisbursementCreateView(ServiceFormView):
    form_class = forms.DisbursementForm
    title = "Record a disbursement"
    submit_label = "Record disbursement"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "agreement": self.record}

    def perform(self, form, actor):
        data, reason = form.proposal()
        commitment = data.pop("commitment")
        submitted = submit_money_change(
            actor=actor,
            target=ChangeTarget.DISBURSEMENT,
            operation=ChangeOperation.CREATE,
            reason=reason,
            changes={"commitment_id": commitment.pk, **data},
        )
        if submitted.change_request:
            return sent_for_approval(submitted.change_request)
        disbursement = submitted.record
        return f"Disbursement {disbursement.reference} of {disbursement.amount:,} {commitment.currency} recorded."


class MilestoneCreateView(ServiceFormView):
    form_class = forms.MilestoneForm
    title = "Plan a milestone"
    submit_label = "Add milestone"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "agreement": self.record}

    def perform(self, form, actor):
        data = {name: value for name, value in form.changes().items() if value not in (None, "")}
        milestone = create_milestone(actor=actor, agreement_id=self.record.pk, **data)
        return f"Milestone “{milestone.title}” added."


class MilestoneEditView(ServiceFormView):
    form_class = forms.MilestoneForm
    submit_label = "Save changes"

    def get_record(self):
        return get_object_or_404(Milestone.objects.select_related("agreement"), pk=self.kwargs["pk"])

    @property
    def title(self):
        return f"Edit milestone “{self.record.title}”"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.record, "agreement": self.record.agreement}

    def perform(self, form, actor):
        update_milestone(
            actor=actor,
            milestone_id=self.record.pk,
            expected_updated_at=form.cleaned_data["expected_updated_at"],
            **form.changes(),
        )
        return f"Milestone “{form.cleaned_data['title']}” saved."


class MilestoneCompleteView(ServiceFormView):
    form_class = forms.CompleteMilestoneForm
    submit_label = "Mark done"

    def get_record(self):
        return get_object_or_404(Milestone.objects.select_related("agreement"), pk=self.kwargs["pk"])

    @property
    def title(self):
        return f"Complete milestone “{self.record.title}”"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "milestone": self.record}

    def perform(self, form, actor):
        complete_milestone(actor=actor, milestone_id=self.record.pk, **form.cleaned_data)
        return f"Milestone “{self.record.title}” marked done."


class StatusReportCreateView(ServiceFormView):
    form_class = forms.StatusReportForm
    title = "Post a status report"
    submit_label = "Post report"

    def perform(self, form, actor):
        report = post_status_report(actor=actor, agreement_id=self.record.pk, **form.cleaned_data)
        return f"{report.get_rag_display()} status report posted."
