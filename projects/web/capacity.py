"""The "Capacity and output by capability" page and its CSV: the public case's "unfunded" figure, from the records."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from projects.models import Agreement
from projects.selectors import IN_PORTFOLIO, UNFUNDED_DEFINITION, portfolio_capacity
from projects.web.sheet_files import sheet_response

CENT = Decimal("0.01")
SHARE = Decimal("0.0001")


def current_capacity():
    """Every agreement but terminated ones, valued today; money without a rate is left out and listed."""
    return portfolio_capacity(Agreement.objects.filter(IN_PORTFOLIO), as_of=timezone.localdate())


class CapacityView(LoginRequiredMixin, TemplateView):
    template_name = "projects/capacity.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(capacity=current_capacity(), definition=UNFUNDED_DEFINITION, **kwargs)


def csv_headers() -> list[str]:
    return [
        _("Capability"),
        _("Unit"),
        _("Capacity on the books (a year)"),
        _("Capacity funded"),
        _("Capacity unfunded"),
        _("Unfunded share"),
        _("Output target"),
        _("Output to date"),
        _("Output verified"),
    ]


class CapacityCsvView(LoginRequiredMixin, View):
    """The page's table with exact figures: the lines, then a total per unit."""

    def get(self, request):
        capacity = current_capacity()
        rows = [
            [
                line.capability or _("Total"),
                line.unit,
                line.on_books,
                line.funded.quantize(CENT),
                line.on_books - line.funded.quantize(CENT),
                "" if line.unfunded_share is None else line.unfunded_share.quantize(SHARE),
                line.output_target,
                line.output_to_date,
                line.output_verified,
            ]
            for line in [*capacity.lines, *capacity.totals]
        ]
        return sheet_response(f"capacity-{capacity.as_of.isoformat()}", "csv", csv_headers(), rows)
