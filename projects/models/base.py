"""Fields every domain record carries, and constraints whose violations forms show beside a field."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class Timestamped(models.Model):
    """Creation and last-change times; `updated_at` drives incremental sync, hence the index."""

    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, db_index=True, verbose_name=_("updated at"))

    class Meta:
        abstract = True


def in_language_of_page(english: str, ukrainian: str, language: str | None = None) -> str:
    """A record's name as the page's reader wants it: its Ukrainian name, if it has one, on Ukrainian pages
    (`language`, else the active one)."""
    return ukrainian if ukrainian and (language or translation.get_language()) == "uk" else english


def money_field(**options) -> models.DecimalField:
    """Money: exact decimals with two places; never float."""
    return models.DecimalField(max_digits=18, decimal_places=2, **options)


def currency_field(**options) -> models.CharField:
    """An ISO 4217 code; a check constraint on each model keeps it three capital letters."""
    return models.CharField(max_length=3, help_text=_("ISO 4217 code, e.g. EUR, GBP, UAH."), **options)


CURRENCY_PATTERN = r"^[A-Z]{3}$"


CURRENCY_MESSAGE = _("Give the currency as its three-letter ISO 4217 code, e.g. EUR, GBP, UAH.")


class ReportedBeside:
    """A constraint whose violation a form shows beside `field` (one of the fields it checks), not above the form."""

    non_db_attrs = (*models.BaseConstraint.non_db_attrs, "field")

    def __init__(self, *args, field: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.field = field

    def validate(self, *args, **kwargs) -> None:
        try:
            super().validate(*args, **kwargs)
        except ValidationError as violation:
            raise ValidationError({self.field: violation}) from None

    def deconstruct(self):
        path, args, kwargs = super().deconstruct()
        return path, args, {**kwargs, "field": self.field}

    def __eq__(self, other) -> bool:
        return super().__eq__(other) and self.field == getattr(other, "field", None)


class FieldCheckConstraint(ReportedBeside, models.CheckConstraint):
    """A check constraint reported beside the field it is about.

    Give it the code `constraint`, not `invalid`: a model form replaces the message of an `invalid` error on
    a field with that field's generic one ("Enter a number."), hiding what the rule says.
    """


class FieldUniqueConstraint(ReportedBeside, models.UniqueConstraint):
    """A uniqueness rule over several fields, reported beside the one to change."""


def one_of(field: str, choices: type[models.Choices], *, name: str, message) -> FieldCheckConstraint:
    """The field holds one of its choices' values, a rule the database keeps and a form shows beside the field."""
    return FieldCheckConstraint(
        condition=models.Q(**{f"{field}__in": choices.values}),
        name=name,
        field=field,
        violation_error_code="constraint",
        violation_error_message=message,
    )


def iso_currency(*, name: str) -> FieldCheckConstraint:
    """The `currency` field holds a three-letter ISO 4217 code (the database keeps the rule too)."""
    return FieldCheckConstraint(
        condition=models.Q(currency__regex=CURRENCY_PATTERN),
        name=name,
        field="currency",
        violation_error_code="constraint",
        violation_error_message=CURRENCY_MESSAGE,
    )
