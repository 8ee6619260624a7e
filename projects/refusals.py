"""A service's refusal shown on a Django form, the same way on the pages and in the admin."""

from __future__ import annotations

from django import forms

from projects.errors import DomainError


def show_refusal(form: forms.BaseForm, exc: DomainError) -> None:
    """Put a service's refusal on the form: every message beside the field it names, the rest above the form."""
    for field, messages in exc.errors.items():
        form.add_error(field if field in form.fields else None, messages)
