"""Fields every domain record carries."""

from django.db import models


class Timestamped(models.Model):
    """Creation and last-change times; `updated_at` drives incremental sync, hence the index."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        abstract = True


def money_field(**options) -> models.DecimalField:
    """Money: exact decimals with two places; never float."""
    return models.DecimalField(max_digits=18, decimal_places=2, **options)


def currency_field(**options) -> models.CharField:
    """An ISO 4217 code; a check constraint on each model keeps it three capital letters."""
    return models.CharField(max_length=3, help_text="ISO 4217 code, e.g. EUR, GBP, UAH.", **options)


CURRENCY_PATTERN = r"^[A-Z]{3}$"
