"""The preferences form on the page an e-mail's link opens (contacts have no account to set them elsewhere)."""

from django import forms

from projects.notifications.models import DigestFrequency


class PreferencesForm(forms.Form):
    digest_frequency = forms.ChoiceField(label="Status digest", choices=DigestFrequency.choices)
    reminders_enabled = forms.BooleanField(label="Milestone reminders", required=False)
