"""Import and export of agreements, milestones and commitments (django-import-export).

Every imported row goes through the same service a form would call, so the same rules apply. The
whole import is one transaction: the dry run rolls it back to preview each row's errors, and the
real run rolls back entirely if any row is refused, so a file is imported completely or not at all.
"""

from __future__ import annotations

import decimal

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from import_export import fields, resources, widgets

from projects.actors import Actor
from projects.errors import DomainError
from projects.models import Agreement, Capability, FundingCommitment, Milestone, Organization
from projects.services.agreements import create_agreement, update_agreement
from projects.services.funding import record_commitment
from projects.services.milestones import create_milestone, update_milestone
from projects.services.service import batch


class LookupWidget(widgets.ForeignKeyWidget):
    """A foreign key by a natural column (slug, reference); an unknown value is a row error, not a crash."""

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except ObjectDoesNotExist:
            raise ValueError(f"No {self.model._meta.verbose_name} with {self.field} “{value}”.") from None


class AmountWidget(widgets.DecimalWidget):
    """A decimal amount; text that is no number is a row error like any other."""

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except decimal.InvalidOperation:
            raise ValueError(f"“{value}” is not a number.") from None


class CapabilitiesWidget(widgets.Widget):
    """Capability slugs separated by commas or semicolons."""

    def clean(self, value, row=None, **kwargs) -> list[Capability]:
        slugs = {slug.strip() for slug in str(value or "").replace(";", ",").split(",") if slug.strip()}
        found = list(Capability.objects.filter(slug__in=slugs))
        unknown = slugs - {c.slug for c in found}
        if unknown:
            raise ValidationError({"capabilities": f"Unknown capabilities: {', '.join(sorted(unknown))}."})
        return found

    def render(self, value, obj=None, **kwargs) -> str:
        return ", ".join(c.slug for c in value.all()) if value is not None else ""


class ServiceResource(resources.ModelResource):
    """Saves each row through a service; a refusal becomes that row's validation errors.

    Subclasses define `save_row(instance, is_create, row)`, which calls the service and returns the saved record.
    """

    def __init__(self, actor: Actor | None = None):
        super().__init__()
        self.actor = actor

    def import_data(self, *args, **kwargs):
        """The rows' service calls share the import's one transaction, so a file goes in whole or not at all."""
        with batch():
            return super().import_data(*args, **kwargs)

    def save_instance(self, instance, is_create, row, **kwargs):
        try:
            # A savepoint per row: a refused row leaves nothing behind for the rows after it.
            with transaction.atomic():
                saved = self.save_row(instance, is_create, row)
        except DomainError as exc:
            raise ValidationError(exc.errors) from exc
        instance.pk = saved.pk

    def save_m2m(self, instance, row, **kwargs):
        """Many-to-many values went to the service with the row."""


class AgreementResource(ServiceResource):
    """Agreements by reference: a known reference updates that agreement, a new one creates a draft."""

    budget = fields.Field(attribute="budget", column_name="budget", widget=AmountWidget())
    capabilities = fields.Field(attribute="capabilities", column_name="capabilities", widget=CapabilitiesWidget())
    status = fields.Field(attribute="status", column_name="status", readonly=True)
    latest_rag = fields.Field(attribute="latest_rag", column_name="latest_rag", readonly=True)
    overdue_milestones = fields.Field(attribute="overdue_count", column_name="overdue_milestones", readonly=True)
    next_due = fields.Field(attribute="next_due", column_name="next_due", readonly=True, widget=widgets.DateWidget())

    class Meta:
        model = Agreement
        import_id_fields = ["reference"]
        fields = [
            "reference",
            "title",
            "kind",
            "status",
            "currency",
            "budget",
            "signed_on",
            "starts_on",
            "ends_on",
            "capabilities",
            "summary",
            "latest_rag",
            "overdue_milestones",
            "next_due",
        ]
        export_order = fields
        skip_diff = True

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        if field.column_name != "capabilities":
            super().import_field(field, instance, row, is_m2m, **kwargs)

    def save_row(self, instance, is_create, row):
        values = {name: getattr(instance, name) for name in ("reference", "title", "kind", "currency", "budget")}
        values |= {name: getattr(instance, name) for name in ("summary", "signed_on", "starts_on", "ends_on")}
        if "capabilities" in row:
            values["capabilities"] = self.fields["capabilities"].widget.clean(row["capabilities"])
        if is_create:
            return create_agreement(actor=self.actor, **values)
        return update_agreement(actor=self.actor, agreement_id=instance.pk, **values)


class MilestoneResource(ServiceResource):
    """Milestones by agreement reference and title: a known pair re-plans that milestone."""

    agreement = fields.Field(
        attribute="agreement", column_name="agreement", widget=LookupWidget(Agreement, field="reference")
    )
    responsible = fields.Field(
        attribute="responsible", column_name="responsible", widget=LookupWidget(Organization, field="slug")
    )

    class Meta:
        model = Milestone
        import_id_fields = ["agreement", "title"]
        fields = ["agreement", "title", "due_on", "responsible", "unit", "target_quantity", "actual_quantity", "status"]
        skip_diff = True

    def save_row(self, instance, is_create, row):
        values = {name: getattr(instance, name) for name in ("title", "due_on", "responsible", "unit")}
        values |= {name: getattr(instance, name) for name in ("target_quantity", "actual_quantity", "status")}
        if is_create:
            return create_milestone(actor=self.actor, agreement_id=instance.agreement_id, **values)
        return update_milestone(actor=self.actor, milestone_id=instance.pk, **values)


class CommitmentResource(ServiceResource):
    """New pledges and commitments; the funder becomes a party with the funder role if it is not one."""

    agreement = fields.Field(
        attribute="agreement", column_name="agreement", widget=LookupWidget(Agreement, field="reference")
    )
    funder = fields.Field(attribute="funder", column_name="funder", widget=LookupWidget(Organization, field="slug"))
    amount = fields.Field(attribute="amount", column_name="amount", widget=AmountWidget())

    class Meta:
        model = FundingCommitment
        force_init_instance = True
        fields = ["agreement", "funder", "amount", "currency", "status", "pledged_on", "reference"]
        skip_diff = True

    def save_row(self, instance, is_create, row):
        return record_commitment(
            actor=self.actor,
            agreement_id=instance.agreement_id,
            funder_id=instance.funder_id,
            amount=instance.amount,
            currency=(instance.currency or "").upper(),
            status=instance.status,
            pledged_on=instance.pledged_on,
            reference=instance.reference or "",
        )


IMPORTS = {
    "agreements": AgreementResource,
    "milestones": MilestoneResource,
    "commitments": CommitmentResource,
}
