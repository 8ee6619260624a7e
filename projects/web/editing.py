"""Every write of the web UI: one view per use case, each calling one service.

Forms parse the input; the service decides. A refusal (DomainError) goes next to the field it names,
or above the form, with the user's input kept; a stale form is refused through `expected_updated_at`.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
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
    submit_label = gettext_lazy("Save")

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
    title = gettext_lazy("New agreement")
    submit_label = gettext_lazy("Create agreement")

    def get_record(self):
        return None

    @property
    def agreement(self):
        return getattr(self, "created", None)

    def perform(self, form, actor):
        data = form.changes()
        data["capabilities"] = list(data["capabilities"])
        self.created = create_agreement(actor=actor, **data)
        return _("Agreement %(reference)s created as a draft.") % {"reference": self.created.reference}


class AgreementEditView(ServiceFormView):
    form_class = forms.AgreementEditForm
    submit_label = gettext_lazy("Save changes")

    @property
    def title(self):
        return _("Edit %(reference)s") % {"reference": self.record.reference}

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
    submit_label = gettext_lazy("Change status")

    @property
    def title(self):
        return _("Change the status of %(reference)s") % {"reference": self.record.reference}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "agreement": self.record}

    def perform(self, form, actor):
        change = transition_agreement(actor=actor, agreement_id=self.record.pk, **form.cleaned_data)
        return _("Status changed from %(old)s to %(new)s.") % {
            "old": change.get_from_status_display(),
            "new": change.get_to_status_display(),
        }


class PartyAddView(ServiceFormView):
    form_class = forms.PartyForm
    submit_label = gettext_lazy("Add party")
    title = gettext_lazy("Add a party")

    def perform(self, form, actor):
        party = add_party(
            actor=actor,
            agreement_id=self.record.pk,
            organization_id=form.cleaned_data["organization"].pk,
            role=form.cleaned_data["role"],
        )
        return _("%(organization)s added as %(role)s.") % {
            "organization": party.organization,
            "role": party.get_role_display().lower(),
        }


class PartyRemoveView(ServiceFormView):
    form_class = forms.ConfirmForm
    submit_label = gettext_lazy("Remove")

    def get_record(self):
        return get_object_or_404(
            AgreementParty.objects.select_related("agreement", "organization"), pk=self.kwargs["pk"]
        )

    @property
    def title(self):
        return _("Remove %(party)s from %(reference)s?") % {
            "party": self.record,
            "reference": self.record.agreement.reference,
        }

    def perform(self, form, actor):
        remove_party(actor=actor, party_id=self.record.pk)
        return _("%(party)s removed.") % {"party": self.record}


class CommitmentCreateView(ServiceFormView):
    form_class = forms.CommitmentForm
    title = gettext_lazy("Record a pledge or commitment")
    submit_label = gettext_lazy("Record")

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
        return _("%(status)s %(amount)s %(currency)s recorded.") % {
            "status": commitment.get_status_display(),
            "amount": number_format(commitment.amount, force_grouping=True),
            "currency": commitment.currency,
        }


class CommitmentEditView(ServiceFormView):
    form_class = forms.CommitmentEditForm
    submit_label = gettext_lazy("Save changes")

    def get_record(self):
        return get_object_or_404(FundingCommitment.objects.select_related("agreement", "funder"), pk=self.kwargs["pk"])

    @property
    def title(self):
        return _("Edit the commitment of %(funder)s") % {"funder": self.record.funder}

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
        return _("Commitment saved.")


class DisbursementCreateView(ServiceFormView):
    form_class = forms.DisbursementForm
    title = gettext_lazy("Record a disbursement")
    submit_label = gettext_lazy("Record disbursement")

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
        return _("Disbursement %(reference)s of %(amount)s %(currency)s recorded.") % {
            "reference": disbursement.reference,
            "amount": number_format(disbursement.amount, force_grouping=True),
            "currency": commitment.currency,
        }


class MilestoneCreateView(ServiceFormView):
    form_class = forms.MilestoneForm
    title = gettext_lazy("Plan a milestone")
    submit_label = gettext_lazy("Add milestone")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "agreement": self.record}

    def perform(self, form, actor):
        data = {name: value for name, value in form.changes().items() if value not in (None, "")}
        milestone = create_milestone(actor=actor, agreement_id=self.record.pk, **data)
        return _("Milestone “%(title)s” added.") % {"title": milestone.title}


class MilestoneEditView(ServiceFormView):
    form_class = forms.MilestoneForm
    submit_label = gettext_lazy("Save changes")

    def get_record(self):
        return get_object_or_404(Milestone.objects.select_related("agreement"), pk=self.kwargs["pk"])

    @property
    def title(self):
        return _("Edit milestone “%(title)s”") % {"title": self.record.title}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.record, "agreement": self.record.agreement}

    def perform(self, form, actor):
        update_milestone(
            actor=actor,
            milestone_id=self.record.pk,
            expected_updated_at=form.cleaned_data["expected_updated_at"],
            **form.changes(),
        )
        return _("Milestone “%(title)s” saved.") % {"title": form.cleaned_data["title"]}


class MilestoneCompleteView(ServiceFormView):
    form_class = forms.CompleteMilestoneForm
    submit_label = gettext_lazy("Mark done")

    def get_record(self):
        return get_object_or_404(Milestone.objects.select_related("agreement"), pk=self.kwargs["pk"])

    @property
    def title(self):
        return _("Complete milestone “%(title)s”") % {"title": self.record.title}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "milestone": self.record}

    def perform(self, form, actor):
        complete_milestone(actor=actor, milestone_id=self.record.pk, **form.cleaned_data)
        return _("Milestone “%(title)s” marked done.") % {"title": self.record.title}


class StatusReportCreateView(ServiceFormView):
    form_class = forms.StatusReportForm
    title = gettext_lazy("Post a status report")
    submit_label = gettext_lazy("Post report")

    def perform(self, form, actor):
        report = post_status_report(actor=actor, agreement_id=self.record.pk, **form.cleaned_data)
        return _("%(rag)s status report posted.") % {"rag": report.get_rag_display()}
