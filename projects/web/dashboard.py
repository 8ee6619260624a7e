"""The portfolio dashboard: where the money gap is and what is late, at a glance."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from projects.changelog import recent_changes
from projects.selectors import (
    IN_PORTFOLIO,
    FunderFunding,
    FundingSummary,
    late_and_due_milestones,
    portfolio_funding,
    rag_distribution,
)
from projects.web.templatetags.charts import Segment

ZERO = Decimal(0)


def gap_rows(by_capability: dict[str, FundingSummary]) -> list[tuple[str, list[Segment]]]:
    """Each capability's budget split into firm money, open pledges, and what even pledges leave unfunded."""
    return [
        (
            name,
            [
                Segment(_("Committed"), max(s.committed, ZERO), "committed"),
                Segment(_("Pledged"), max(min(s.pledged, s.gap), ZERO), "pledged"),
                Segment(_("Unfunded"), max(s.gap_if_pledges_honoured, ZERO), "gap"),
            ],
        )
        for name, s in by_capability.items()
    ]


def country_rows(by_country: dict[str, FunderFunding]) -> list[tuple[str, list[Segment]]]:
    """What each funder country has paid, has firmly committed beyond that, and has only pledged."""
    return [
        (
            country,
            [
                Segment(_("Disbursed"), f.disbursed, "disbursed"),
                Segment(_("Committed, not disbursed"), max(f.committed - f.disbursed, ZERO), "committed"),
                Segment(_("Pledged"), f.pledged, "pledged"),
            ],
        )
        for country, f in sorted(by_country.items(), key=lambda item: item[1].committed + item[1].pledged, reverse=True)
    ]


class DashboardView(LoginRequiredMixin, TemplateView):
    template_name = "projects/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        # An agreement in a currency without a rate is left out and named, not the whole portfolio.
        funding = portfolio_funding(
            IN_PORTFOLIO, as_of=today, by=("capability", "funder"), leave_out_unconvertible=True
        )
        context |= {
            "funding": funding,
            "total": funding.total.rounded(),
            "capability_rows": gap_rows(funding.by_capability),
            "country_rows": country_rows(funding.by_country),
            "today": today,
            "rag": rag_distribution(IN_PORTFOLIO),
            "recent": recent_changes(),
            **late_and_due_milestones(IN_PORTFOLIO, today),
        }
        return context
