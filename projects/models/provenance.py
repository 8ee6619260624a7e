"""Where a figure comes from, who reported it, and whether a programme manager has checked it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from projects.models.base import FieldCheckConstraint

# The relations that name who reported and who verified a figure: what a page or a representation selects with it.
REPORTERS = ("reported_by_user", "reported_by_organization", "verified_by")


class Provenance(models.Model):
    """Source, reporter and verification of a reported figure (money, an indicator's actual).

    A figure is *reported* until a staff user verifies it; `verified_by` and `verified_at` are set together.
    The reporter is a person or, for a partner's API token, its organisation, never both. A subclass that
    declares its own `Meta.constraints` lists `*Provenance.Meta.constraints` among them.
    """

    source = models.CharField(
        max_length=500,
        blank=True,
        help_text=_("The document reference or URL this figure comes from."),
        verbose_name=_("source"),
    )
    reported_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reported by user"),
    )
    reported_by_organization = models.ForeignKey(
        "projects.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reported by organisation"),
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("verified by"),
    )
    verified_at = models.DateTimeField(null=True, blank=True, verbose_name=_("verified at"))

    class Meta:
        abstract = True
        constraints = [
            FieldCheckConstraint(
                condition=Q(verified_by__isnull=True, verified_at__isnull=True)
                | Q(verified_by__isnull=False, verified_at__isnull=False),
                name="%(app_label)s_%(class)s_verified_by_and_at",
                field="verified_by",
                violation_error_code="constraint",
                violation_error_message=_("A verified figure names who verified it and when."),
            ),
            FieldCheckConstraint(
                condition=Q(reported_by_user__isnull=True) | Q(reported_by_organization__isnull=True),
                name="%(app_label)s_%(class)s_one_reporter",
                field="reported_by_user",
                violation_error_code="constraint",
                violation_error_message=_("A figure is reported by a person or by an organisation, not both."),
            ),
        ]

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    @property
    def reported_by(self):
        """The person or organisation that reported the figure, if recorded."""
        return self.reported_by_user or self.reported_by_organization
