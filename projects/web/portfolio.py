"""Portfolio pages beside the dashboard: each chart's data as CSV, and what changed in a window of days."""

from __future__ import annotations

import csv
import datetime
from itertools import groupby

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from projects.changelog import changes_between
from projects.models import Agreement
from projects.selectors import IN_PORTFOLIO
from projects.selectors.breakdowns import GROUPINGS, funding_breakdown

MAX_WINDOW_DAYS = 92


class AsOfForm(forms.Form):
    """The valuation day of the portfolio pages: money at the latest rates on or before it."""

    as_of = forms.DateField(
        required=False,
        label=_("Valued on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Money at the latest exchange rates on or before this day."),
    )


def valuation_day(request) -> tuple[AsOfForm, datetime.date]:
    """The day asked for, or today when none (or no valid one) is given; the form shows why."""
    form = AsOfForm(request.GET or None)
    day = form.cleaned_data.get("as_of") if form.is_valid() else None
    return form, day or timezone.localdate()


class FundingCsvView(LoginRequiredMixin, View):
    """The data of a dashboard chart: the portfolio's funding by capability, funder country or month."""

    def get(self, request, group_by: str):
        if group_by not in GROUPINGS:
            raise Http404
        _form, day = valuation_day(request)
        breakdown = funding_breakdown(IN_PORTFOLIO, group_by=group_by, as_of=day)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="funding-by-{group_by}-{day.isoformat()}.csv"'
        response.write("\ufeff")  # the byte-order mark Excel needs to read UTF-8
        money = (
            ["budget", "pledged", "committed", "disbursed", "gap"]
            if breakdown.splits_budget
            else ["pledged", "committed", "disbursed"]
        )
        writer = csv.writer(response)
        currency = breakdown.total.currency
        writer.writerow([group_by, "name", *(f"{name}_{currency}" for name in money), "note"])
        for group in breakdown.groups:
            writer.writerow([group.key, group.name, *(getattr(group.figures, name) for name in money), ""])
        notes = " ".join(note.detail for note in breakdown.notes)
        writer.writerow(["total", "", *(getattr(breakdown.total, name) for name in money), notes])
        return response


class WindowForm(forms.Form):
    since = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Until (inclusive)"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and not datetime.timedelta(0) <= until - since <= datetime.timedelta(MAX_WINDOW_DAYS):
            raise forms.ValidationError(
                _("Choose a window of at most %(days)s days, ending on or after its start."),
                params={"days": MAX_WINDOW_DAYS},
            )
        return data


class ChangesView(LoginRequiredMixin, TemplateView):
    """What changed in a window of days (the last seven by default), grouped by agreement."""

    template_name = "projects/changes.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        default = {"since": today - datetime.timedelta(days=6), "until": today}
        form = WindowForm(self.request.GET if "since" in self.request.GET else None, initial=default)
        window = form.cleaned_data if form.is_bound and form.is_valid() else default
        zone = timezone.get_current_timezone()
        start = datetime.datetime.combine(window["since"], datetime.time.min, tzinfo=zone)
        end = datetime.datetime.combine(window["until"] + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
        changes = sorted(changes_between(start, end), key=lambda c: (c.agreement_id or 0, -c.at.timestamp()))
        agreements = Agreement.objects.in_bulk({c.agreement_id for c in changes if c.agreement_id})
        groups = [
            (agreements.get(agreement_id), list(rows))
            for agreement_id, rows in groupby(changes, key=lambda c: c.agreement_id or 0)
        ]
        groups.sort(key=lambda group: group[0].reference if group[0] else "")
        context |= {"form": form, "window": window, "groups": groups, "change_count": len(changes)}
        return context
