"""The agreement page's indicator forms: define an indicator, open a period, report, verify, lock, unlock.

Each form calls one service; a locked period's refusal shows above the form like every other refusal.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from projects.models import Indicator, IndicatorPeriod
from projects.services import indicators
from projects.web import forms
from projects.web.editing import ServiceFormView


class IndicatorCreateView(ServiceFormView):
    form_class = forms.IndicatorForm

    @property
    def title(self):
        return _("Add an indicator")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "agreement": self.record}

    def perform(self, form, actor):
        data = {name: value for name, value in form.cleaned_data.items() if value is not None}
        indicator = indicators.create_indicator(actor=actor, agreement_id=self.record.pk, **data)
        return _("Indicator “%(title)s” added.") % {"title": indicator.title}


class PeriodOpenView(ServiceFormView):
    form_class = forms.PeriodForm

    def get_record(self):
        return get_object_or_404(Indicator.objects.select_related("agreement"), pk=self.kwargs["pk"])

    @property
    def title(self):
        return _("Open a period of “%(indicator)s”") % {"indicator": self.record.title}

    def perform(self, form, actor):
        indicators.open_period(actor=actor, indicator_id=self.record.pk, **form.cleaned_data)
        return _("Period opened.")


class PeriodStepView(ServiceFormView):
    """One step of a period's life: `step(actor, period, expected_updated_at, data)` returns the message."""

    form_class = forms.PeriodStepForm

    def get_record(self):
        return get_object_or_404(IndicatorPeriod.objects.select_related("indicator__agreement"), pk=self.kwargs["pk"])

    @property
    def agreement(self):
        return self.record.indicator.agreement

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "period": self.record}

    def perform(self, form, actor):
        data = dict(form.cleaned_data)
        expected = data.pop("expected_updated_at")
        return self.step(actor, self.record, expected, data)


class PeriodReportView(PeriodStepView):
    form_class = forms.ReportActualForm

    @property
    def title(self):
        return _("Report the actual of %(period)s") % {"period": self.record}

    def step(self, actor, period, expected, data):
        indicators.report_actual(actor=actor, period_id=period.pk, expected_updated_at=expected, **data)
        return _("Actual reported; it awaits verification.")


class PeriodVerifyView(PeriodStepView):
    @property
    def title(self):
        return _("Verify %(period)s") % {"period": self.record}

    def step(self, actor, period, expected, data):
        indicators.verify_period(actor=actor, period_id=period.pk, expected_updated_at=expected)
        return _("Period verified.")


class PeriodLockView(PeriodStepView):
    @property
    def title(self):
        return _("Lock %(period)s") % {"period": self.record}

    def step(self, actor, period, expected, data):
        indicators.lock_period(actor=actor, period_id=period.pk, expected_updated_at=expected)
        return _("Period locked: it refuses changes until unlocked.")


class PeriodUnlockView(PeriodStepView):
    form_class = forms.UnlockPeriodForm

    @property
    def title(self):
        return _("Unlock %(period)s") % {"period": self.record}

    def step(self, actor, period, expected, data):
        indicators.unlock_period(actor=actor, period_id=period.pk, expected_updated_at=expected, **data)
        return _("Period unlocked; the reason is kept in its history.")
