"""Forms of the web UI. They parse and label input; every rule runs in the services they feed."""

from __future__ import annotations

import copy
from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from projects.choices import CommitmentStatus
from projects.forms import DATE, BudgetChangeReason, ChangeReason, TranslatedLabels, VersionField
from projects.models import (
    Agreement,
    AgreementParty,
    CountryEconomy,
    Disbursement,
    ExchangeRate,
    FundingCommitment,
    Indicator,
    IndicatorPeriod,
    Milestone,
    Organization,
    StatusReport,
)

RATE = {"min_value": Decimal("0.00000001"), "max_digits": 20, "decimal_places": 8}


class ParsingForm(TranslatedLabels, forms.ModelForm):
    """A model form that parses its fields; the model's rules run in the service it feeds.

    Input that does not parse never reaches the service, so then the model's own rules are checked here
    too, and every field's error shows at once instead of one round at a time. They are checked on a
    copy (the page still shows the record as stored) and leave out `completed_by_service`, the fields
    the service fills in itself (a milestone marked done gets today's completion date there).
    """

    completed_by_service: tuple[str, ...] = ()

    def _post_clean(self) -> None:
        if not self._errors:
            return
        shown = self.instance
        self.instance = copy.copy(shown)
        try:
            super()._post_clean()
        finally:
            self.instance = shown

    def _get_validation_exclusions(self) -> set[str]:
        return super()._get_validation_exclusions() | set(self.completed_by_service)


class NewCurrencyRate(forms.Form):
    """An optional rate for a currency the portfolio cannot convert yet; the service records it from today."""

    exchange_rate = forms.DecimalField(required=False, min_value=Decimal("0.00000001"), max_digits=20, decimal_places=8)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        base = settings.BASE_CURRENCY
        self.fields["exchange_rate"].label = _("Rate to %(base)s (new currency only)") % {"base": base}
        self.fields["exchange_rate"].help_text = _(
            "Only for a currency without an exchange rate yet: what one unit is worth in %(base)s today. "
            "Known rates are kept under Exchange rates."
        ) % {"base": base}
        names = [name for name in self.fields if name != "exchange_rate"]
        names.insert(names.index("currency") + 1, "exchange_rate")
        self.order_fields(names)


NOT_CHANGES = ("expected_updated_at", "reason")


class VersionedForm(ParsingForm):
    """A form editing an existing record, carrying the version it was shown at."""

    expected_updated_at = VersionField(required=False)

    def __init__(self, *args, instance=None, **kwargs):
        super().__init__(*args, instance=instance, **kwargs)
        if instance is not None and instance.pk:
            self.fields["expected_updated_at"].initial = instance.updated_at.isoformat()

    def changes(self) -> dict:
        return {
            name: value for name, value in self.cleaned_data.items() if name not in ("expected_updated_at", "reason")
        }


class AgreementForm(NewCurrencyRate, VersionedForm):
    class Meta:
        model = Agreement
        fields = [
            "reference",
            "title",
            "title_uk",
            "summary",
            "kind",
            "capabilities",
            "currency",
            "budget",
            "signed_on",
            "starts_on",
            "ends_on",
            "programme_manager",
        ]
        widgets = {
            "capabilities": forms.CheckboxSelectMultiple,
            "signed_on": DATE,
            "starts_on": DATE,
            "ends_on": DATE,
            "summary": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme_manager"].queryset = get_user_model().objects.filter(is_staff=True, is_active=True)

    def clean_currency(self) -> str:
        return self.cleaned_data["currency"].strip().upper()


class PartyForm(ParsingForm):
    class Meta:
        model = AgreementParty
        fields = ["organization", "role"]


class AgreementEditForm(BudgetChangeReason, AgreementForm):
    """An agreement's terms, and the reason for a new budget."""


class CommitmentForm(ChangeReason, NewCurrencyRate, ParsingForm):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=[(s.value, s.label) for s in (CommitmentStatus.PLEDGED, CommitmentStatus.COMMITTED)],
    )

    class Meta:
        model = FundingCommitment
        fields = ["funder", "amount", "currency", "status", "pledged_on", "reference", "source"]
        widgets = {"pledged_on": DATE}

    def clean_currency(self) -> str:
        return self.cleaned_data["currency"].strip().upper()


class CommitmentEditForm(ChangeReason, VersionedForm):
    class Meta:
        model = FundingCommitment
        fields = ["amount", "status", "pledged_on", "reference", "source"]
        widgets = {"pledged_on": DATE}


class DisbursementForm(ChangeReason, ParsingForm):
    class Meta:
        model = Disbursement
        fields = ["commitment", "amount", "disbursed_on", "reference", "source"]
        widgets = {"disbursed_on": DATE}
        help_texts = {"reference": gettext_lazy("Payment reference, unique for the commitment.")}

    def __init__(self, *args, agreement: Agreement, **kwargs):
        super().__init__(*args, **kwargs)
        commitments = agreement.commitments.filter(status=CommitmentStatus.COMMITTED).select_related("funder")
        self.fields["commitment"].queryset = commitments
        self.fields["commitment"].label_from_instance = lambda c: (
            f"{c.funder.name}: {number_format(c.amount, force_grouping=True)} {c.currency}"
            + (f" ({c.reference})" if c.reference else "")
        )


class MilestoneForm(VersionedForm):
    completed_by_service = ("completed_on",)

    class Meta:
        model = Milestone
        fields = [
            "title",
            "due_on",
            "responsible",
            "owner",
            "unit",
            "target_quantity",
            "actual_quantity",
            "status",
            "completed_on",
        ]
        widgets = {"due_on": DATE, "completed_on": DATE}

    def __init__(self, *args, agreement: Agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = Organization.objects.filter(parties__agreement=agreement).distinct()
        self.fields["responsible"].help_text = _("A party to the agreement.")
        self.fields["owner"].queryset = get_user_model().objects.filter(is_active=True, is_staff=True)


class CompleteMilestoneForm(forms.Form):
    completed_on = forms.DateField(
        required=False, widget=DATE, label=gettext_lazy("Completed on"), help_text=gettext_lazy("Default today.")
    )
    actual_quantity = forms.IntegerField(required=False, min_value=0, label=gettext_lazy("Quantity reached"))
    expected_updated_at = VersionField(required=False)

    def __init__(self, *args, milestone: Milestone, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expected_updated_at"].initial = milestone.updated_at.isoformat()
        if milestone.target_quantity:
            self.fields["actual_quantity"].initial = milestone.actual_quantity
            self.fields["actual_quantity"].help_text = _("Target: %(quantity)s %(unit)s.") % {
                "quantity": number_format(milestone.target_quantity, force_grouping=True),
                "unit": milestone.unit,
            }
        else:
            del self.fields["actual_quantity"]


class IndicatorForm(ParsingForm):
    class Meta:
        model = Indicator
        fields = ["title", "kind", "unit", "capability", "responsible", "baseline", "target"]

    def __init__(self, *args, agreement: Agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["capability"].queryset = agreement.capabilities.all()
        self.fields["responsible"].queryset = Organization.objects.filter(parties__agreement=agreement).distinct()
        self.fields["responsible"].help_text = _("A party to the agreement; it reports the actuals.")


class PeriodForm(ParsingForm):
    class Meta:
        model = IndicatorPeriod
        fields = ["starts_on", "ends_on", "target"]
        widgets = {"starts_on": DATE, "ends_on": DATE}


class PeriodStepForm(forms.Form):
    """A step of a period's life, carrying the version it was shown at."""

    expected_updated_at = VersionField(required=False)

    def __init__(self, *args, period: IndicatorPeriod, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expected_updated_at"].initial = period.updated_at.isoformat()


class ReportActualForm(PeriodStepForm):
    actual = forms.IntegerField(label=_("Actual"), min_value=0)
    source = forms.CharField(
        label=_("Source"), required=False, max_length=500, help_text=_("The document or URL the figure comes from.")
    )
    field_order = ["actual", "source"]

    def __init__(self, *args, period: IndicatorPeriod, **kwargs):
        super().__init__(*args, period=period, **kwargs)
        self.fields["actual"].initial = period.actual
        self.fields["source"].initial = period.source
        self.fields["actual"].help_text = period.indicator.unit


class UnlockPeriodForm(PeriodStepForm):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), help_text=_("Kept in the period's history.")
    )
    field_order = ["reason"]


class StatusReportForm(ParsingForm):
    class Meta:
        model = StatusReport
        fields = ["reported_on", "rag", "summary", "risks", "next_steps"]
        widgets = {
            "reported_on": DATE,
            "summary": forms.Textarea(attrs={"rows": 3}),
            "risks": forms.Textarea(attrs={"rows": 2}),
            "next_steps": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A hint for the date picker; the service refuses a future date whatever the browser sends.
        self.fields["reported_on"].widget.attrs["max"] = timezone.localdate().isoformat()


class RateField(forms.Form):
    """A rate to the base currency, positive and with the precision the database keeps."""

    rate = forms.DecimalField(**RATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rate"].label = _("Value of one unit in %(base)s") % {"base": settings.BASE_CURRENCY}


class ExchangeRateForm(RateField, ParsingForm):
    class Meta:
        model = ExchangeRate
        fields = ["currency", "rate", "valid_on"]
        widgets = {"valid_on": DATE}

    def clean_currency(self) -> str:
        return self.cleaned_data["currency"].strip().upper()


class ExchangeRateEditForm(RateField, VersionedForm):
    class Meta:
        model = ExchangeRate
        fields = ["rate", "valid_on"]
        widgets = {"valid_on": DATE}


class CountryEconomyForm(VersionedForm):
    class Meta:
        model = CountryEconomy
        fields = ["country", "year", "gdp", "currency", "source", "illustrative"]

    def clean_currency(self) -> str:
        return self.cleaned_data["currency"].strip().upper()


class ConfirmForm(forms.Form):
    """No fields: the POST itself confirms (e.g. removing a party)."""


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File"), help_text=gettext_lazy("CSV or XLSX, with a header row."))
