"""Forms shared by the pages and the admin, and how both show a service's refusal on them."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from projects.choices import AgreementStatus
from projects.errors import DomainError
from projects.labels import FIELD_LABELS
from projects.models import Agreement
from projects.services.four_eyes import four_eyes_on

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TranslatedLabels:
    """A model form whose fields are labelled from FIELD_LABELS unless the form names them itself."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        own = getattr(getattr(self, "Meta", None), "labels", None) or {}
        for name, field in self.fields.items():
            if name in FIELD_LABELS and name not in own and name not in self.declared_fields:
                field.label = FIELD_LABELS[name]


def show_refusal(form: forms.BaseForm, exc: DomainError) -> None:
    """Put a service's refusal on the form: every message beside the field it names, the rest above the form."""
    for field, messages in exc.errors.items():
        form.add_error(field if field in form.fields else None, messages)


class VersionField(forms.CharField):
    """The record's `updated_at` when the form was shown; the service refuses the write if it moved since."""

    widget = forms.HiddenInput

    def to_python(self, value) -> datetime | None:
        value = super().to_python(value)
        if not value:
            return None
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            raise ValidationError(_("This form is out of date; reload the page."), code="invalid") from None


class TransitionForm(forms.Form):
    """An agreement's next status, offered only among the moves its lifecycle allows, with the reason."""

    to_status = forms.ChoiceField(label=_("New status"))
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), label=_("Reason"), help_text=_("Recorded in the history.")
    )
    effective_on = forms.DateField(
        required=False,
        widget=DATE,
        label=_("Effective on"),
        help_text=_("Signing date when signing without one (default today)."),
    )
    expected_updated_at = VersionField(required=False)

    def __init__(self, *args, agreement: Agreement, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(AgreementStatus.choices)
        self.fields["to_status"].choices = [(s, labels[s]) for s in agreement.allowed_transitions()]
        self.fields["expected_updated_at"].initial = agreement.updated_at.isoformat()


class ChangeReason(forms.Form):
    """Why a money change is needed: the second programme manager reads it before approving the change."""

    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("A second programme manager approves money changes; say why this one is needed."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = four_eyes_on()

    def proposal(self) -> tuple[dict, str]:
        """The submitted values without the reason, and the reason."""
        values = dict(self.cleaned_data)
        return values, values.pop("reason", "")


class BudgetChangeReason(ChangeReason):
    """Editing an agreement: only a new budget is a money change; the service asks for the reason then."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = False
        self.fields["reason"].help_text = _("Needed for a new budget: a second programme manager approves it.")
