"""Exchange rates in the UI: everyone sees them and what uses them; programme managers add and correct them."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from projects.models import ExchangeRate
from projects.selectors.exchange_rates import currency_rates, rate_changes, recorded_rates
from projects.services.funding import set_exchange_rate, update_exchange_rate
from projects.web import forms
from projects.web.access import can_edit
from projects.web.editing import ServiceFormView
from projects.web.templatetags import figures


class ExchangeRatesView(LoginRequiredMixin, TemplateView):
    template_name = "projects/exchange_rates.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        currencies = currency_rates(today)
        return super().get_context_data(
            today=today,
            base_currency=settings.BASE_CURRENCY,
            currencies=currencies,
            missing=[c for c in currencies if c.missing],
            rates=recorded_rates(),
            changes=rate_changes(),
            can_edit=can_edit(self.request.user),
            **kwargs,
        )


class RateFormView(ServiceFormView):
    """A rate's form: it belongs to no agreement, and returns to the exchange rates page."""

    agreement = None

    def get_success_url(self) -> str:
        return reverse("exchange-rates")

    def get_context_data(self, **kwargs):
        return super().get_context_data(cancel_url=reverse("exchange-rates"), **kwargs)


class ExchangeRateCreateView(RateFormView):
    form_class = forms.ExchangeRateForm
    title = gettext_lazy("Add an exchange rate")
    submit_label = gettext_lazy("Add rate")

    def get_record(self):
        return None

    def get_initial(self):
        return {"currency": self.request.GET.get("currency", ""), "valid_on": timezone.localdate()}

    def perform(self, form, actor):
        rate = set_exchange_rate(actor=actor, **form.cleaned_data)
        worth = f"{figures.rate(rate.rate)} {settings.BASE_CURRENCY}"
        return f"{rate.currency} is worth {worth} from {rate.valid_on:%-d %b %Y}."


class ExchangeRateEditView(RateFormView):
    form_class = forms.ExchangeRateEditForm
    submit_label = gettext_lazy("Save rate")

    def get_record(self):
        return get_object_or_404(ExchangeRate, pk=self.kwargs["pk"])

    @property
    def title(self):
        return _("Correct the %(currency)s rate from %(day)s") % {
            "currency": self.record.currency,
            "day": date_format(self.record.valid_on, "DATE_FORMAT"),
        }

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.record}

    def perform(self, form, actor):
        update_exchange_rate(
            actor=actor,
            rate_id=self.record.pk,
            expected_updated_at=form.cleaned_data["expected_updated_at"],
            **form.changes(),
        )
        return f"{self.record.currency} rate saved."
