"""Reading agreements: the filtered list and one agreement's page (the list's export is in exports.py)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Q
from django.utils import timezone
from django.views.generic import DetailView, ListView

from projects.changelog import agreement_changes
from projects.errors import DomainError
from projects.forms import TransitionForm
from projects.selectors import agreement_page_queryset, agreement_rows, funding_summary, portfolio_funding
from projects.selectors.funding import with_sort_keys
from projects.web.access import can_edit
from projects.web.approvals import change_requests_page, with_diffs
from projects.web.filters import AgreementFilter
from projects.web.timeline import milestone_timeline


def figures_verified_only(request) -> bool:
    """All reported figures, or (`?figures=verified`) only the commitments and disbursements verified."""
    return request.GET.get("figures") == "verified"


def filtered_agreements(request, *, verified_only: bool = False) -> AgreementFilter:
    """The list's rows, sortable by their gap and coverage in the base currency (computed in SQL)."""
    today = timezone.localdate()
    rows = with_sort_keys(agreement_rows(today), today, verified_only=verified_only)
    return AgreementFilter(request.GET or None, queryset=rows, request=request)


class AgreementListView(LoginRequiredMixin, ListView):
    template_name = "projects/agreement_list.html"
    paginate_by = 25
    context_object_name = "agreements"

    def get_queryset(self):
        self.verified_only = figures_verified_only(self.request)
        self.filterset = filtered_agreements(self.request, verified_only=self.verified_only)
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page_ids = [agreement.pk for agreement in context["agreements"]]
        shown = {"leave_out_unconvertible": True, "verified_only": self.verified_only}
        # A row whose money cannot be converted shows why (an `Unvalued`); the other rows keep their figures.
        funding = portfolio_funding(Q(pk__in=page_ids), by=("agreement",), **shown)
        figures = funding.by_agreement | {u.agreement_id: u for u in funding.unvalued}
        # The totals row: every agreement the filters keep, not only this page's.
        listed = portfolio_funding(self.filterset.qs.values("pk"), by=(), **shown)
        query = self.request.GET.copy()
        query.pop("page", None)
        sort_query = query.copy()
        sort_query.pop("sort", None)
        # The filters and sort of the page, to switch between all figures and verified ones only.
        figures_query = query.copy()
        figures_query.pop("figures", None)
        context |= {
            "verified_only": self.verified_only,
            "figures_query": figures_query.urlencode(),
            "filter": self.filterset,
            "rows": [(agreement, figures.get(agreement.pk)) for agreement in context["agreements"]],
            "query": query.urlencode(),
            "sort_query": sort_query.urlencode(),
            "sort": self.request.GET.get("sort", ""),
            "base_currency": settings.BASE_CURRENCY,
            "listed": listed,
            "listed_total": listed.total.rounded(),
        }
        return context


class AgreementDetailView(LoginRequiredMixin, DetailView):
    template_name = "projects/agreement_detail.html"
    context_object_name = "agreement"

    def get_queryset(self):
        return agreement_page_queryset()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        agreement = self.object
        today = timezone.localdate()
        try:
            summary = funding_summary(agreement, as_of=today)
        except DomainError as exc:
            summary, context["funding_error"] = None, exc.message
        commitments = [
            (commitment, sum((d.amount for d in commitment.disbursements.all()), 0))
            for commitment in agreement.commitments.all()
        ]
        context |= {
            "today": today,
            "summary": summary,
            "committed_share": _share(summary.committed, summary.budget) if summary else None,
            "disbursed_share": _share(summary.disbursed, summary.budget) if summary else None,
            # Open pledges drawn after the committed part, up to what commitments leave unfunded.
            "pledged_share": _share(max(min(summary.pledged, summary.gap), 0), summary.budget) if summary else None,
            "commitments": commitments,
            "timeline": milestone_timeline(agreement, list(agreement.milestones.all()), today),
            **shown_changes(agreement_changes(agreement), everything=self.request.GET.get("history") == "all"),
            "can_edit": can_edit(self.request.user),
            "change_requests": with_diffs(
                change_requests_page().filter(agreement=agreement).order_by("-created_at", "-pk")[:AGREEMENT_REQUESTS]
            ),
            "transition_form": TransitionForm(agreement=agreement) if agreement.allowed_transitions() else None,
        }
        return context


HISTORY_SHOWN = 30
AGREEMENT_REQUESTS = 20  # the latest change requests shown on an agreement's page


def shown_changes(changes: list, *, everything: bool) -> dict:
    """The latest changes, or all of them on request: an active agreement's history grows long."""
    return {
        "changes": changes if everything else changes[:HISTORY_SHOWN],
        "hidden_changes": 0 if everything else max(len(changes) - HISTORY_SHOWN, 0),
    }


def _share(part, whole) -> float:
    """Percent of a bar, capped at 100 so an over-committed agreement fills it."""
    if not whole:
        return 0.0
    return round(min(float(part / whole) * 100, 100.0), 1)
