"""The preferences form on the page an e-mail's link opens (contacts have no account to set them elsewhere)."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from projects.notifications.models import DigestFrequency


class PreferencesForm(forms.Form):
    digest_frequency = forms.ChoiceField(label=_("Status digest"), choices=DigestFrequency.choices)
    reminders_enabled = forms.BooleanField(label=_("Milestone reminders"), required=False)
    language = forms.ChoiceField(label=_("Language of the e-mails"), choices=settings.LANGUAGES, required=False)

    def clean_language(self) -> str | None:
        """Left out of the form (an older page, a one-click client): keep the language as it is."""
        return self.cleaned_data["language"] or None
