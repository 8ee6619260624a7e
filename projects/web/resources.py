"""Import of agreements, milestones, commitments and indicator periods (django-import-export), through the services.

Every imported row goes through the same service a form would call, so the same rules apply. The
whole import is one transaction: the dry run rolls it back to preview each row's errors, and the
real run rolls back entirely if any row is refused, so a file is imported completely or not at all.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets
from import_export.instance_loaders import CachedInstanceLoader

from projects.actors import Actor
from projects.choices import ChangeOperation, ChangeTarget
from projects.errors import DomainError
from projects.models import (
    Agreement,
    Capability,
    FundingCommitment,
    Indicator,
    IndicatorPeriod,
    Milestone,
    Organization,
)
from projects.services.agreements import create_agreement
from projects.services.change_requests import Submitted, change_agreement, submit_money_change
from projects.services.indicators import open_period, report_actual, update_period
from projects.services.milestones import create_milestone, update_milestone
from projects.web.cell_values import AmountWidget, CountWidget, DayWidget

# Money rows (a commitment, a new budget) become change requests while four-eyes approval is on.
IMPORT_REASON = gettext_lazy("Imported from a spreadsheet.")


class LookupWidget(widgets.ForeignKeyWidget):
    """A foreign key by a natural column (slug, reference), looked up once per import; unknown is a row error."""

    def __init__(self, model, field: str):
        super().__init__(model, field=field)
        self.found = {}  # per import: a resource copies its fields, widgets included

    def clean(self, value, row=None, **kwargs):
        key = str(value if value is not None else "").strip()
        if not key:
            return None
        if key not in self.found:
            self.found[key] = self.model.objects.filter(**{self.field: key}).first()
        if self.found[key] is None:
            raise ValueError(f"No {self.model._meta.verbose_name} with {self.field} “{key}”.")
        return self.found[key]


class CapabilitiesWidget(widgets.Widget):
    """Capability slugs separated by commas or semicolons; the taxonomy is loaded once per import."""

    def __init__(self):
        super().__init__()
        self.known: dict[str, Capability] | None = None

    def clean(self, value, row=None, **kwargs) -> list[Capability]:
        if self.known is None:
            self.known = {capability.slug: capability for capability in Capability.objects.all()}
        slugs = {slug.strip() for slug in str(value or "").replace(";", ",").split(",") if slug.strip()}
        unknown = slugs - set(self.known)
        if unknown:
            raise ValidationError({"capabilities": f"Unknown capabilities: {', '.join(sorted(unknown))}."})
        return [self.known[slug] for slug in sorted(slugs)]


class ServiceResource(resources.ModelResource):
    """Saves each row through a service; a refusal becomes that row's validation errors.

    Subclasses define `save_row(instance, is_create, row)`, which calls the service and returns the saved record.
    Numbers and dates are read as spreadsheets write them (see cell_values); `progress`, if given, is told the
    number of each row done.
    """

    required_columns: tuple[str, ...] = ()

    WIDGETS_MAP = {
        **resources.ModelResource.WIDGETS_MAP,
        **{
            name: CountWidget
            for name, widget in resources.ModelResource.WIDGETS_MAP.items()
            if widget is widgets.IntegerWidget
        },
        "DecimalField": AmountWidget,
        "DateField": DayWidget,
    }

    def __init__(self, actor: Actor | None = None, progress: Callable[[int], None] | None = None):
        super().__init__()
        self.actor = actor
        self.progress = progress

    def get_instance(self, instance_loader, row):
        """An unknown value in a column that identifies the row is that row's error, naming the column."""
        errors = {}
        for name in self.get_import_id_fields():
            field = self.fields[name]
            try:
                if field.column_name in row:
                    field.clean(row)
            except ValueError as exc:
                errors[field.column_name] = str(exc)
        if errors:
            raise ValidationError(errors)
        return super().get_instance(instance_loader, row)

    def save_instance(self, instance, is_create, row, **kwargs):
        try:
            # A savepoint per row: a refused row leaves nothing behind for the rows after it.
            with transaction.atomic():
                saved = self.save_row(instance, is_create, row)
        except DomainError as exc:
            raise ValidationError(exc.errors) from exc
        record = saved.record if isinstance(saved, Submitted) else saved
        if record is not None:  # else a money row waits for approval as a change request
            instance.pk = record.pk

    def save_m2m(self, instance, row, **kwargs):
        """Many-to-many values went to the service with the row."""

    def after_import_row(self, row, row_result, **kwargs):
        if self.progress is not None:
            self.progress(kwargs["row_number"])

    @classmethod
    def columns(cls) -> list[str]:
        """The columns the import reads, in order (what the template file lists)."""
        return [field.column_name for field in cls().get_import_fields() if not field.readonly]


class AgreementResource(ServiceResource):
    """Agreements by reference: a known reference updates that agreement, a new one creates a draft."""

    required_columns = ("reference",)

    capabilities = fields.Field(attribute="capabilities", column_name="capabilities", widget=CapabilitiesWidget())

    class Meta:
        model = Agreement
        import_id_fields = ["reference"]
        instance_loader_class = CachedInstanceLoader  # the file's known references in one query
        fields = [
            "reference",
            "title",
            "kind",
            "currency",
            "budget",
            "signed_on",
            "starts_on",
            "ends_on",
            "capabilities",
            "summary",
        ]
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
        return change_agreement(actor=self.actor, agreement_id=instance.pk, reason=str(IMPORT_REASON), **values)


class MilestoneResource(ServiceResource):
    """Milestones by agreement reference and title: a known pair re-plans that milestone."""

    required_columns = ("agreement", "title")

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

    required_columns = ("agreement", "funder", "amount")

    agreement = fields.Field(
        attribute="agreement", column_name="agreement", widget=LookupWidget(Agreement, field="reference")
    )
    funder = fields.Field(attribute="funder", column_name="funder", widget=LookupWidget(Organization, field="slug"))

    class Meta:
        model = FundingCommitment
        force_init_instance = True
        fields = ["agreement", "funder", "amount", "currency", "status", "pledged_on", "reference"]
        skip_diff = True

    def save_row(self, instance, is_create, row):
        return submit_money_change(
            actor=self.actor,
            target=ChangeTarget.COMMITMENT,
            operation=ChangeOperation.CREATE,
            agreement_id=instance.agreement_id,
            reason=str(IMPORT_REASON),
            changes={
                "funder_id": instance.funder_id,
                "amount": instance.amount,
                "currency": (instance.currency or "").upper(),
                "status": instance.status,
                "pledged_on": instance.pledged_on,
                "reference": instance.reference or "",
            },
        )


class IndicatorWidget(widgets.ForeignKeyWidget):
    """An indicator by its title within the agreement the row's `agreement` column names (a reference)."""

    def __init__(self):
        super().__init__(Indicator, field="title")
        self.found = {}

    def clean(self, value, row=None, **kwargs):
        title = str(value if value is not None else "").strip()
        reference = str((row or {}).get("agreement") or "").strip()
        if not title:
            return None
        if (reference, title) not in self.found:
            self.found[reference, title] = Indicator.objects.filter(agreement__reference=reference, title=title).first()
        if self.found[reference, title] is None:
            raise ValueError(f"Agreement “{reference}” has no indicator titled “{title}”.")
        return self.found[reference, title]


class IndicatorPeriodResource(ServiceResource):
    """Periods by agreement reference, indicator title and start date: a new one is opened, a known one
    re-planned; an `actual` (with its `source`) is reported on it. A locked period refuses any change."""

    required_columns = ("agreement", "indicator", "starts_on")

    agreement = fields.Field(column_name="agreement")  # read by the indicator's widget
    indicator = fields.Field(attribute="indicator", column_name="indicator", widget=IndicatorWidget())

    class Meta:
        model = IndicatorPeriod
        import_id_fields = ["indicator", "starts_on"]
        fields = ["agreement", "indicator", "starts_on", "ends_on", "target", "actual", "source"]
        skip_diff = True

    def save_row(self, instance, is_create, row):
        if is_create:
            period = open_period(
                actor=self.actor,
                indicator_id=instance.indicator_id,
                starts_on=instance.starts_on,
                ends_on=instance.ends_on,
                target=instance.target,
            )
        else:
            period = IndicatorPeriod.objects.get(pk=instance.pk)
            planned = {name: getattr(instance, name) for name in ("ends_on", "target") if name in row}
            if any(getattr(period, name) != value for name, value in planned.items()):
                period = update_period(actor=self.actor, period_id=period.pk, **planned)
        source = instance.source or ""
        if instance.actual is not None and (instance.actual, source) != (period.actual, period.source):
            period = report_actual(actor=self.actor, period_id=period.pk, actual=instance.actual, source=source)
        return period


IMPORTS = {
    "agreements": AgreementResource,
    "milestones": MilestoneResource,
    "commitments": CommitmentResource,
    "indicator-periods": IndicatorPeriodResource,
}
