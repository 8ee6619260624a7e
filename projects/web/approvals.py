"""The approvals queue: money changes waiting for a second programme manager, and the decisions on them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from projects.actors import actor_of
from projects.choices import ChangeState
from projects.errors import DomainError
from projects.models import ChangeRequest, Disbursement, FundingCommitment, Organization
from projects.services.change_requests import approve_change, reject_change
from projects.services.funding import verify_commitment, verify_disbursement
from projects.web.access import ManagerRequiredMixin, can_edit

RECENT = 20  # decisions shown below the queue
FIELD_LABELS = {
    "funder_id": gettext_lazy("Funder"),
    "commitment_id": gettext_lazy("Commitment"),
    "amount": gettext_lazy("Amount"),
    "currency": gettext_lazy("Currency"),
    "status": gettext_lazy("Status"),
    "pledged_on": gettext_lazy("Pledged on"),
    "disbursed_on": gettext_lazy("Disbursed on"),
    "reference": gettext_lazy("Reference"),
    "source": gettext_lazy("Source"),
    "budget": gettext_lazy("Budget"),
    "exchange_rate": gettext_lazy("Exchange rate"),
}


def with_diffs(change_requests) -> list[tuple[ChangeRequest, list[tuple[str, object, object]]]]:
    """Each request beside its before → after rows, funders by name (one query for the whole page)."""
    change_requests = list(change_requests)
    funder_ids = {
        value
        for request in change_requests
        for values in (request.before, request.proposed)
        for name, value in values.items()
        if name == "funder_id"
    }
    funders = dict(Organization.objects.filter(pk__in=funder_ids).values_list("pk", "name")) if funder_ids else {}

    def shown(name, value):
        if name == "funder_id" and value is not None:
            return funders.get(value, f"#{value}")
        if name == "commitment_id" and value is not None:
            return f"#{value}"
        return value

    return [
        (
            request,
            [
                (FIELD_LABELS.get(name, name), shown(name, before), shown(name, after))
                for name, before, after in request.diff()
            ],
        )
        for request in change_requests
    ]


def change_requests_page():
    return ChangeRequest.objects.select_related("agreement", "author_user", "author_organization", "decided_by")


class ApprovalQueueView(LoginRequiredMixin, TemplateView):
    """Pending requests, oldest first (they have waited longest), then the latest decisions."""

    template_name = "projects/approvals.html"

    def get_context_data(self, **kwargs):
        page = change_requests_page()
        return super().get_context_data(
            pending=with_diffs(page.filter(state=ChangeState.PENDING).order_by("created_at", "pk")),
            decided=with_diffs(page.exclude(state=ChangeState.PENDING).order_by("-decided_at", "-pk")[:RECENT]),
            can_decide=can_edit(self.request.user),
            **kwargs,
        )


class DecisionView(ManagerRequiredMixin, View):
    """POST only: decide on one record of `model`, say what happened, and go back where the user came from."""

    model = ChangeRequest

    def post(self, request, pk):
        record = get_object_or_404(self.model, pk=pk)
        try:
            message = self.decide(record, actor_of(request))
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, message)
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = ""
        return redirect(back or "approvals")


class ApproveView(DecisionView):
    def decide(self, change_request, actor) -> str:
        approve_change(actor=actor, change_request_id=change_request.pk)
        return _("Change request #%(pk)s approved and applied.") % {"pk": change_request.pk}


class RejectView(DecisionView):
    def decide(self, change_request, actor) -> str:
        reason = self.request.POST.get("reason", "")
        reject_change(actor=actor, change_request_id=change_request.pk, reason=reason)
        return _("Change request #%(pk)s rejected.") % {"pk": change_request.pk}


class VerifyCommitmentView(DecisionView):
    model = FundingCommitment

    def decide(self, commitment, actor) -> str:
        verify_commitment(actor=actor, commitment_id=commitment.pk)
        return _("The commitment of %(funder)s is verified.") % {"funder": commitment.funder}


class VerifyDisbursementView(DecisionView):
    model = Disbursement

    def decide(self, disbursement, actor) -> str:
        verify_disbursement(actor=actor, disbursement_id=disbursement.pk)
        return _("Disbursement %(reference)s is verified.") % {"reference": disbursement.reference}
