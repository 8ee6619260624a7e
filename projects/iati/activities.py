"""The portfolio as IATI 2.03 activities: one `iati-activity` per agreement, in the order the schema requires.

Codes follow the IATI codelists (mappings in `projects.iati.codes`). The reporting organisation is the
programme office (`IATI_REPORTING_ORG_*` settings) and prefixes every activity identifier. Capabilities
are sectors of the reporting organisation's own vocabulary (99), their slugs the codes: defence
production has no DAC 5 sector. Results are the milestones that count something (an output indicator
with its target and actual quantity), then the agreement's indicators with their periods; a period's
actual is published once a programme manager has verified it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import timezone, translation
from lxml import etree

from projects.choices import AgreementStatus, CommitmentStatus, PartyRole, PeriodState
from projects.iati import codes
from projects.models import (
    Agreement,
    AgreementParty,
    FundingCommitment,
    Indicator,
    IndicatorPeriod,
    Milestone,
    StatusChange,
)

IATI_VERSION = "2.03"
# Characters XML 1.0 cannot carry (control characters other than tab and newlines, lone surrogates, U+FFFE/F):
# text the tracker accepts may hold them, and they are left out of the document.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def agreements_for_export(agreements: QuerySet[Agreement]) -> QuerySet[Agreement]:
    """Everything an activity shows, loaded in a fixed number of queries whatever the portfolio's size."""
    return agreements.order_by("reference").prefetch_related(
        "capabilities",
        Prefetch("parties", queryset=AgreementParty.objects.select_related("organization").order_by("role", "pk")),
        Prefetch(
            "commitments",
            queryset=FundingCommitment.objects.filter(status=CommitmentStatus.COMMITTED)
            .select_related("funder")
            .prefetch_related("disbursements")
            .order_by("pledged_on", "pk"),
        ),
        Prefetch("milestones", queryset=Milestone.objects.filter(target_quantity__isnull=False).order_by("due_on")),
        Prefetch("status_changes", queryset=StatusChange.objects.order_by("changed_at", "pk")),
        Prefetch(
            "indicators",
            queryset=Indicator.objects.order_by("kind", "title", "pk").prefetch_related(
                Prefetch("periods", queryset=IndicatorPeriod.objects.order_by("starts_on", "pk"))
            ),
        ),
    )


def activities_document(agreements: QuerySet[Agreement]) -> bytes:
    """The `iati-activities` XML document of these agreements (UTF-8, with its declaration).

    Its narratives declare English, so the labels in them are English whatever the request's language.
    """
    root = etree.Element("iati-activities", version=IATI_VERSION, **{"generated-datetime": iso(timezone.now())})
    with translation.override("en-gb"):
        for agreement in agreements_for_export(agreements):
            root.append(activity(agreement))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def iso(moment) -> str:
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def xml_text(value) -> str:
    return NOT_XML.sub("", str(value))


def sub(parent: etree._Element, tag: str, text: str | None = None, **attributes) -> etree._Element:
    """A child element; attribute names use dashes (`iso_date` → `iso-date`), and None values are left out."""
    element = etree.SubElement(
        parent,
        tag,
        {name.replace("_", "-"): xml_text(value) for name, value in attributes.items() if value is not None},
    )
    if text is not None:
        element.text = xml_text(text)
    return element


def narrative(parent: etree._Element, tag: str, text: str, **attributes) -> etree._Element:
    element = sub(parent, tag, **attributes)
    sub(element, "narrative", text)
    return element


def activity(agreement: Agreement) -> etree._Element:
    element = etree.Element(
        "iati-activity",
        {
            "last-updated-datetime": iso(agreement.updated_at),
            XML_LANG: "en",
            "default-currency": agreement.currency,
        },
    )
    sub(element, "iati-identifier", f"{settings.IATI_REPORTING_ORG_REF}-{agreement.reference}")
    narrative(
        element,
        "reporting-org",
        settings.IATI_REPORTING_ORG_NAME,
        ref=settings.IATI_REPORTING_ORG_REF,
        type=settings.IATI_REPORTING_ORG_TYPE,
    )
    narrative(element, "title", agreement.title)
    narrative(element, "description", agreement.summary or agreement.title, type="1")
    participating_orgs(element, agreement.parties.all())
    sub(element, "activity-status", code=codes.ACTIVITY_STATUS[agreement.status])
    activity_dates(element, agreement)
    for country in sorted({p.organization.country for p in agreement.parties.all() if p.role == PartyRole.RECIPIENT}):
        sub(element, "recipient-country", code=country)
    sectors(element, agreement)
    budget(element, agreement)
    transactions(element, agreement)
    results(element, agreement)
    return element


def participating_orgs(element: etree._Element, parties: Iterable[AgreementParty]) -> None:
    """Each party with an IATI role; an agreement without one (a draft) names the programme office as accountable,
    as IATI wants one participating organisation at least."""
    listed = [(party.organization, codes.ORGANISATION_ROLE.get(party.role)) for party in parties]
    listed = [(organization, role) for organization, role in listed if role is not None]
    for organization, role in listed:
        kind = codes.ORGANISATION_TYPE[organization.kind]
        narrative(element, "participating-org", organization.name, type=kind, role=role)
    if not listed:
        narrative(
            element,
            "participating-org",
            settings.IATI_REPORTING_ORG_NAME,
            ref=settings.IATI_REPORTING_ORG_REF,
            type=settings.IATI_REPORTING_ORG_TYPE,
            role=codes.ACCOUNTABLE,
        )


def activity_dates(element: etree._Element, agreement: Agreement) -> None:
    """Planned start and end from the agreement; actual start and end from its status history."""
    moves = {change.to_status: change.changed_at.date() for change in reversed(agreement.status_changes.all())}
    ended = moves.get(AgreementStatus.COMPLETED) or moves.get(AgreementStatus.TERMINATED)
    dates = [
        (codes.PLANNED_START, agreement.starts_on or agreement.signed_on or agreement.created_at.date()),
        (codes.ACTUAL_START, moves.get(AgreementStatus.ACTIVE)),
        (codes.PLANNED_END, agreement.ends_on),
        (codes.ACTUAL_END, ended),
    ]
    for code, day in dates:
        if day is not None:
            sub(element, "activity-date", type=code, iso_date=day.isoformat())


def sectors(element: etree._Element, agreement: Agreement) -> None:
    """Capabilities share the activity equally; the last share takes the rounding, so they add up to 100."""
    capabilities = list(agreement.capabilities.all())
    if not capabilities:
        return
    share = (Decimal(100) / len(capabilities)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    shares = [share] * (len(capabilities) - 1) + [Decimal(100) - share * (len(capabilities) - 1)]
    uri = settings.SITE_URL + "/api/v1/capabilities/"
    for capability, percentage in zip(capabilities, shares, strict=True):
        narrative(
            element,
            "sector",
            capability.name,
            vocabulary=codes.REPORTING_ORGANISATION_VOCABULARY,
            vocabulary_uri=uri,
            code=capability.slug,
            percentage=percentage,
        )


def value(parent: etree._Element, amount: Decimal, currency: str, value_date: date) -> None:
    sub(parent, "value", f"{amount:.2f}", currency=currency, value_date=value_date.isoformat())


def budget(element: etree._Element, agreement: Agreement) -> None:
    """The agreement's budget over its term, as the original, committed budget."""
    if agreement.starts_on is None or agreement.ends_on is None:
        return
    entry = sub(element, "budget", type=codes.BUDGET_ORIGINAL, status=codes.BUDGET_COMMITTED)
    sub(entry, "period-start", iso_date=agreement.starts_on.isoformat())
    sub(entry, "period-end", iso_date=agreement.ends_on.isoformat())
    value(entry, agreement.budget, agreement.currency, agreement.starts_on)


def transactions(element: etree._Element, agreement: Agreement) -> None:
    """Firm commitments (type 2) and the disbursements against them (type 3); pledges are not money yet."""
    for commitment in agreement.commitments.all():
        funder = commitment.funder
        entries = [(codes.OUTGOING_COMMITMENT, commitment.pledged_on, commitment.amount, commitment.reference)]
        entries += [(codes.DISBURSEMENT, d.disbursed_on, d.amount, d.reference) for d in commitment.disbursements.all()]
        for code, day, amount, reference in entries:
            entry = sub(element, "transaction", ref=reference or None)
            sub(entry, "transaction-type", code=code)
            sub(entry, "transaction-date", iso_date=day.isoformat())
            value(entry, amount, commitment.currency, day)
            narrative(entry, "provider-org", funder.name, type=codes.ORGANISATION_TYPE[funder.kind])


def results(element: etree._Element, agreement: Agreement) -> None:
    """Each milestone that counts something is an output: its target and the quantity reached so far."""
    for milestone in agreement.milestones.all():
        result = sub(element, "result", type=codes.RESULT_OUTPUT, aggregation_status="1")
        narrative(result, "title", milestone.title)
        indicator = sub(result, "indicator", measure=codes.MEASURE_UNIT, ascending="1")
        narrative(indicator, "title", milestone.unit)
        period = sub(indicator, "period")
        sub(period, "period-start", iso_date=(agreement.starts_on or milestone.created_at.date()).isoformat())
        sub(period, "period-end", iso_date=milestone.due_on.isoformat())
        sub(period, "target", value=milestone.target_quantity)
        if milestone.actual_quantity is not None:
            sub(period, "actual", value=milestone.actual_quantity)
    for indicator in agreement.indicators.all():
        indicator_result(element, indicator)


VERIFIED = frozenset({PeriodState.VERIFIED, PeriodState.LOCKED})


def indicator_result(element: etree._Element, indicator: Indicator) -> None:
    """An indicator as an output result (measure: units), its baseline dated by its first period, and each
    period with its target and, once verified, its actual: unchecked figures are not published."""
    periods = list(indicator.periods.all())
    result = sub(element, "result", type=codes.RESULT_OUTPUT, aggregation_status="1")
    narrative(result, "title", indicator.title)
    entry = sub(result, "indicator", measure=codes.MEASURE_UNIT, ascending="1")
    narrative(entry, "title", f"{indicator.unit} ({indicator.get_kind_display()})")
    if periods:
        sub(entry, "baseline", year=periods[0].starts_on.year, value=indicator.baseline)
    for period in periods:
        element_period = sub(entry, "period")
        sub(element_period, "period-start", iso_date=period.starts_on.isoformat())
        sub(element_period, "period-end", iso_date=period.ends_on.isoformat())
        if period.target is not None:
            sub(element_period, "target", value=period.target)
        if period.state in VERIFIED:
            sub(element_period, "actual", value=period.actual)
