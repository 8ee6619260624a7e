"""Burden-sharing pages: donors in a year against their GDP and the target share, one donor's money, GDP figures.

Signed-in people see the whole portfolio, terminated agreements included: money paid to them was given.
Every table comes with its rows as CSV, from the same `Table`.
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from django_countries import countries

from projects.choices import OrganizationKind
from projects.models import CountryEconomy, Organization
from projects.selectors.donors import (
    BurdenSharing,
    Donor,
    DonorYear,
    GdpStatus,
    burden_sharing,
    country_donor,
    donor_commitments,
    donor_disbursements,
    donor_of,
)
from projects.selectors.money import Rates
from projects.services.economies import delete_country_economy, record_country_economy, update_country_economy
from projects.web import forms
from projects.web.access import can_edit
from projects.web.editing import ServiceFormView
from projects.web.tables import DAY, MONEY, NUMBER, PERCENT, Column, Table

GDP_NOTES = {
    GdpStatus.MISSING: gettext_lazy("no GDP recorded"),
    GdpStatus.NO_RATE: gettext_lazy("GDP currency has no exchange rate"),
    GdpStatus.NOT_A_COUNTRY: gettext_lazy("international body: no GDP"),
}


def donor_url(donor: Donor, suffix: str = "") -> str:
    kind = "country" if donor.is_country else "body"
    return reverse("donor", args=[kind, donor.code]) + suffix


def share_columns(first: Column) -> list[Column]:
    """The money of a donor's year against its GDP; `first` names the row (the donor or the year)."""
    return [
        first,
        Column("pledged", gettext_lazy("Pledged"), MONEY),
        Column("committed", gettext_lazy("Committed"), MONEY),
        Column("disbursed", gettext_lazy("Disbursed"), MONEY),
        Column("gdp", gettext_lazy("GDP"), MONEY),
        Column("gdp_year", gettext_lazy("GDP year"), NUMBER),
        # xgettext:no-python-format
        Column("committed_percent", gettext_lazy("Committed, % of GDP"), PERCENT),
        Column("target_amount", gettext_lazy("Target"), MONEY),
        Column("missing_to_target", gettext_lazy("Missing to target"), MONEY),
        Column("gdp_note", gettext_lazy("Note")),
        Column("donor_kind", "donor_kind", shown=False),
        Column("donor_code", "donor_code", shown=False),
        Column("pledged_percent", "pledged_percent", PERCENT, shown=False),
        Column("disbursed_percent", "disbursed_percent", PERCENT, shown=False),
        Column("gdp_currency_amount", "gdp_in_its_currency", MONEY, shown=False),
        Column("gdp_currency", "gdp_currency", shown=False),
        Column("gdp_source", "gdp_source", shown=False),
        Column("gdp_illustrative", "gdp_illustrative", shown=False),
    ]


def share_row(row: DonorYear) -> dict:
    economy = row.economy
    return {
        "donor_kind": row.donor.kind,
        "donor_code": row.donor.code,
        "pledged": row.pledged,
        "committed": row.committed,
        "disbursed": row.disbursed,
        "gdp": row.gdp,
        "gdp_year": economy.year if economy else None,
        "committed_percent": row.committed_percent,
        "target_amount": row.target_amount,
        "missing_to_target": row.missing_to_target,
        "gdp_note": _("illustrative") if economy and economy.illustrative else GDP_NOTES.get(row.gdp_status, ""),
        "pledged_percent": row.pledged_percent,
        "disbursed_percent": row.disbursed_percent,
        "gdp_currency_amount": economy.gdp if economy else None,
        "gdp_currency": economy.currency if economy else None,
        "gdp_source": economy.source if economy else None,
        "gdp_illustrative": economy.illustrative if economy else None,
    }


def total_row(sharing: BurdenSharing, rows: list[DonorYear], first_key: str) -> dict:
    totals = sharing.totals(rows)
    return {first_key: _("Total"), **vars(totals)}


class BurdenSharingMixin(LoginRequiredMixin):
    """The figures of the whole portfolio valued today, and the year asked for (this year by default)."""

    @cached_property
    def sharing(self) -> BurdenSharing:
        return burden_sharing(as_of=timezone.localdate())

    @cached_property
    def year(self) -> int:
        try:
            return int(self.request.GET.get("year", ""))
        except ValueError:
            return self.sharing.as_of.year

    def donor_table(self) -> Table:
        rows = self.sharing.of_year(self.year)
        query = self.request.GET.copy()
        query.pop("sort", None)
        table = Table(
            caption=_("Donors in %(year)s, in %(currency)s") % {"year": self.year, "currency": self.sharing.currency},
            columns=share_columns(Column("donor", gettext_lazy("Donor"))),
            rows=[
                {
                    "donor": f"{row.donor.name} ({row.donor.code})" if row.donor.is_country else row.donor.name,
                    "href": donor_url(row.donor),
                    **share_row(row),
                }
                for row in rows
            ],
            total=total_row(self.sharing, rows, "donor"),
            csv_url=reverse("donor-list-csv") + f"?year={self.year}",
            sort_query=query.urlencode(),
            sortable=True,
            empty=_("No money is dated in %(year)s.") % {"year": self.year},
            name="donors",
        )
        return table.sorted_by(self.request.GET.get("sort", ""))


class DonorListView(BurdenSharingMixin, TemplateView):
    template_name = "projects/donor_list.html"

    def get_context_data(self, **kwargs):
        years = self.sharing.years()
        return super().get_context_data(
            sharing=self.sharing,
            year=self.year,
            years=sorted({*years, self.year}, reverse=True),
            table=self.donor_table(),
            **kwargs,
        )


class DonorListCsvView(BurdenSharingMixin, View):
    def get(self, request):
        return self.donor_table().csv(f"donors-{self.year}")


class DonorMixin(BurdenSharingMixin):
    """One donor, from its kind and code in the URL: a country code, or an international body's slug."""

    @cached_property
    def donor(self) -> Donor:
        kind, code = self.kwargs["kind"], self.kwargs["code"]
        if kind == "country":
            if code not in countries:
                raise Http404
            return country_donor(code)
        if kind == "body":
            body = get_object_or_404(Organization, slug=code, kind=OrganizationKind.INTERNATIONAL_BODY)
            return donor_of(body.kind, body.slug, body.name, body.country)
        raise Http404

    def tables(self) -> dict[str, Table]:
        years = self.sharing.of_donor(self.donor)
        rates = Rates(self.sharing.as_of)
        currency = self.sharing.currency

        def in_base(amount, amount_currency):
            return rates.to_base(amount, amount_currency) if amount_currency in rates else None

        commitments = list(donor_commitments(self.donor))
        disbursements = list(donor_disbursements(self.donor))
        base = _("in %(currency)s") % {"currency": currency}
        return {
            "years": Table(
                caption=_("By year, in %(currency)s") % {"currency": currency},
                columns=share_columns(Column("year", gettext_lazy("Year"), NUMBER)),
                rows=[{"year": row.year, **share_row(row)} for row in years],
                total=total_row(self.sharing, years, "year") if len(years) > 1 else None,
                csv_url=donor_url(self.donor, "years.csv"),
                empty=_("No money from this donor yet."),
                name="years",
            ),
            "commitments": Table(
                caption=_("Commitments and open pledges"),
                columns=[
                    Column("agreement", gettext_lazy("Agreement")),
                    Column("funder", gettext_lazy("Funder")),
                    Column("status", gettext_lazy("Status")),
                    Column("pledged_on", gettext_lazy("Pledged on"), DAY),
                    Column("amount", gettext_lazy("Amount"), MONEY),
                    Column("currency", gettext_lazy("Currency")),
                    Column("in_base", base, MONEY),
                    Column("reference", gettext_lazy("Reference")),
                ],
                rows=[
                    {
                        "agreement": c.agreement.reference,
                        "href": reverse("agreement", args=[c.agreement_id]),
                        "funder": c.funder.name,
                        "status": c.get_status_display(),
                        "pledged_on": c.pledged_on,
                        "amount": c.amount,
                        "currency": c.currency,
                        "in_base": in_base(c.amount, c.currency),
                        "reference": c.reference,
                    }
                    for c in commitments
                ],
                csv_url=donor_url(self.donor, "commitments.csv"),
                empty=_("No live pledges or commitments."),
                name="commitments",
            ),
            "disbursements": Table(
                caption=_("Deliveries: money disbursed"),
                columns=[
                    Column("agreement", gettext_lazy("Agreement")),
                    Column("funder", gettext_lazy("Funder")),
                    Column("disbursed_on", gettext_lazy("Disbursed on"), DAY),
                    Column("amount", gettext_lazy("Amount"), MONEY),
                    Column("currency", gettext_lazy("Currency")),
                    Column("in_base", base, MONEY),
                    Column("reference", gettext_lazy("Reference")),
                ],
                rows=[
                    {
                        "agreement": d.commitment.agreement.reference,
                        "href": reverse("agreement", args=[d.commitment.agreement_id]),
                        "funder": d.commitment.funder.name,
                        "disbursed_on": d.disbursed_on,
                        "amount": d.amount,
                        "currency": d.commitment.currency,
                        "in_base": in_base(d.amount, d.commitment.currency),
                        "reference": d.reference,
                    }
                    for d in disbursements
                ],
                csv_url=donor_url(self.donor, "disbursements.csv"),
                empty=_("Nothing disbursed yet."),
                name="disbursements",
            ),
        }


class DonorView(DonorMixin, TemplateView):
    template_name = "projects/donor_detail.html"

    def get_context_data(self, **kwargs):
        seat = None if self.donor.is_country else country_donor(self.donor.country).name
        return super().get_context_data(donor=self.donor, seat=seat, sharing=self.sharing, **self.tables(), **kwargs)


class DonorCsvView(DonorMixin, View):
    def get(self, request, kind, code, table):
        tables = self.tables()
        if table not in tables:
            raise Http404
        return tables[table].csv(f"{self.donor.code}-{table}")


class EconomyListView(LoginRequiredMixin, TemplateView):
    """The GDP figures shares are measured against; programme managers add and correct them."""

    template_name = "projects/economy_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            economies=CountryEconomy.objects.order_by("country", "-year"),
            can_edit=can_edit(self.request.user),
            **kwargs,
        )


class EconomyFormView(ServiceFormView):
    """A GDP figure's form: it belongs to no agreement, and returns to the GDP figures."""

    agreement = None

    def get_success_url(self) -> str:
        return reverse("economy-list")

    def get_context_data(self, **kwargs):
        return super().get_context_data(cancel_url=reverse("economy-list"), **kwargs)


class EconomyCreateView(EconomyFormView):
    form_class = forms.CountryEconomyForm
    title = gettext_lazy("Add a GDP figure")
    submit_label = gettext_lazy("Add GDP figure")

    def get_record(self):
        return None

    def get_initial(self):
        return {"country": self.request.GET.get("country", ""), "year": timezone.localdate().year - 1}

    def perform(self, form, actor):
        economy = record_country_economy(actor=actor, **form.changes())
        return _("GDP of %(economy)s recorded.") % {"economy": economy}


class EconomyEditView(EconomyFormView):
    form_class = forms.CountryEconomyForm
    submit_label = gettext_lazy("Save GDP figure")

    def get_record(self):
        return get_object_or_404(CountryEconomy, pk=self.kwargs["pk"])

    @property
    def title(self):
        return _("Correct the GDP of %(economy)s") % {"economy": self.record}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.record}

    def perform(self, form, actor):
        update_country_economy(
            actor=actor,
            economy_id=self.record.pk,
            expected_updated_at=form.cleaned_data["expected_updated_at"],
            **form.changes(),
        )
        return _("GDP of %(economy)s saved.") % {"economy": self.record}


class EconomyDeleteView(EconomyFormView):
    form_class = forms.ConfirmForm
    submit_label = gettext_lazy("Delete")

    def get_record(self):
        return get_object_or_404(CountryEconomy, pk=self.kwargs["pk"])

    @property
    def title(self):
        return _("Delete the GDP of %(economy)s?") % {"economy": self.record}

    def perform(self, form, actor):
        delete_country_economy(actor=actor, economy_id=self.record.pk)
        return _("GDP of %(economy)s deleted.") % {"economy": self.record}
