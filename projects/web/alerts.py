"""Alerts in the UI: programme managers acknowledge or snooze them from the dashboard and tune the rules."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from projects.actors import actor_of
from projects.alerts.models import AlertRule
from projects.alerts.selectors import alert_rules
from projects.alerts.services import acknowledge_alert, set_alert_rule, snooze_alert
from projects.errors import DomainError, ErrorCode
from projects.forms import DATE
from projects.web.access import ManagerRequiredMixin
from projects.web.editing import ServiceFormView


class AlertRuleForm(forms.ModelForm):
    class Meta:
        model = AlertRule
        fields = ["days", "active"]
        help_texts = {"days": gettext_lazy("The number of days after which the condition raises an alert.")}


class SnoozeForm(forms.Form):
    until = forms.DateField(label=gettext_lazy("Snooze until"), widget=DATE)


class AlertRulesView(ManagerRequiredMixin, TemplateView):
    template_name = "projects/alert_rules.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(rules=alert_rules(), **kwargs)


class AlertRuleEditView(ServiceFormView):
    form_class = AlertRuleForm
    submit_label = gettext_lazy("Save rule")
    agreement = None

    def get_record(self):
        return get_object_or_404(AlertRule, pk=self.kwargs["pk"])

    @property
    def title(self):
        return _("Alert rule: %(kind)s") % {"kind": self.record.get_kind_display()}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": AlertRule.objects.get(pk=self.record.pk)}

    def get_success_url(self) -> str:
        return reverse("alert-rules")

    def get_context_data(self, **kwargs):
        return super().get_context_data(cancel_url=reverse("alert-rules"), **kwargs)

    def perform(self, form, actor):
        rule = set_alert_rule(actor=actor, rule_id=self.record.pk, **form.cleaned_data)
        return _("%(kind)s now alerts after %(days)s days.") % {"kind": rule.get_kind_display(), "days": rule.days}


class AlertActionView(ManagerRequiredMixin, View):
    """One button on the dashboard: the service's refusal, if any, is shown there as a message."""

    def post(self, request, pk):
        try:
            messages.success(request, self.perform(request, pk))
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect(reverse("dashboard") + "#alerts")


class AlertAcknowledgeView(AlertActionView):
    def perform(self, request, pk) -> str:
        acknowledge_alert(actor=actor_of(request), alert_id=pk)
        return _("Alert acknowledged.")


class AlertSnoozeView(AlertActionView):
    def perform(self, request, pk) -> str:
        form = SnoozeForm(request.POST)
        if not form.is_valid():
            raise DomainError(ErrorCode.INVALID, " ".join(form.errors["until"]), field="until")
        alert = snooze_alert(actor=actor_of(request), alert_id=pk, until=form.cleaned_data["until"])
        return _("Alert snoozed until %(day)s.") % {"day": f"{alert.snoozed_until:%-d %b %Y}"}
