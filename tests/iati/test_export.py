"""The IATI 2.03 export: valid against the IATI schema (with the demo portfolio), and each agreement's parties,
sectors, budget, dates, transactions and results mapped as documented."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from lxml import etree

from projects.choices import CommitmentStatus, MilestoneStatus, OrganizationKind, PartyRole
from projects.iati.activities import activities_document
from projects.models import Agreement
from projects.services import agreements, indicators
from tests.factories import (
    TODAY,
    AgreementFactory,
    CapabilityFactory,
    CommitmentFactory,
    DisbursementFactory,
    IndicatorFactory,
    IndicatorPeriodFactory,
    MilestoneFactory,
    OrganizationFactory,
    PartyFactory,
)

SCHEMA = Path(__file__).resolve().parents[2] / "projects" / "iati" / "schema" / "2.03" / "iati-activities-schema.xsd"


@pytest.fixture(scope="module")
def iati_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA)))


def assert_valid(schema: etree.XMLSchema, document: bytes) -> etree._Element:
    root = etree.fromstring(document)
    assert schema.validate(root), schema.error_log
    return root


def test_the_demo_portfolio_exported_by_the_command_is_valid_iati_2_03(db, iati_schema, tmp_path):
    call_command("seed_demo", verbosity=0)
    output = tmp_path / "activities.xml"

    call_command("export_iati", "--output", str(output), verbosity=0)

    root = assert_valid(iati_schema, output.read_bytes())
    assert root.get("version") == "2.03"
    assert len(root.findall("iati-activity")) == Agreement.objects.count() >= 8
    assert root.findall("iati-activity/transaction/transaction-type[@code='3']")
    assert root.findall("iati-activity/result/indicator/period/actual")


@pytest.fixture
def programme(db, staff):
    """A signed, active co-production line: two capabilities, a funder's firm money and a pledge, a counted output."""
    agreement = AgreementFactory(
        reference="UA-DK-2026-003",
        title="Interceptor drone line",
        summary="Serial production of interceptors.",
        currency="EUR",
        budget=Decimal("3000000.00"),
        starts_on=date(2026, 2, 1),
        ends_on=date(2027, 1, 31),
    )
    agreement.capabilities.set(
        [CapabilityFactory(name="Air defence", slug="air-defence"), CapabilityFactory(name="Drones", slug="drones")]
    )
    lead = OrganizationFactory(name="Ministry of Strategic Industries", kind=OrganizationKind.MINISTRY, country="UA")
    maker = OrganizationFactory(name="Kharkiv Interceptor Works", kind=OrganizationKind.COMPANY, country="UA")
    forces = OrganizationFactory(name="Armed Forces of Ukraine", kind=OrganizationKind.ARMED_FORCE, country="UA")
    watcher = OrganizationFactory(name="Observer Institute", kind=OrganizationKind.NGO, country="BE")
    for organization, role in ((lead, "lead"), (maker, "producer"), (forces, "recipient"), (watcher, "observer")):
        PartyFactory(agreement=agreement, organization=organization, role=role)
    funder = OrganizationFactory(name="Danish Ministry of Defence", kind=OrganizationKind.MINISTRY, country="DK")
    firm = CommitmentFactory(
        agreement=agreement, funder=funder, amount=Decimal("2000000.00"), currency="DKK", reference="DK-1"
    )
    DisbursementFactory(commitment=firm, amount=Decimal("500000.00"), disbursed_on=date(2026, 3, 2), reference="P1")
    CommitmentFactory(agreement=agreement, funder=funder, status=CommitmentStatus.PLEDGED, reference="DK-2")
    MilestoneFactory(
        agreement=agreement,
        responsible=maker,
        title="Interceptors delivered",
        unit="interceptors",
        target_quantity=1000,
        actual_quantity=240,
        due_on=date(2026, 12, 1),
        status=MilestoneStatus.IN_PROGRESS,
    )
    MilestoneFactory(agreement=agreement, responsible=maker, title="Line commissioned")
    for to_status in ("negotiating", "signed", "active"):
        agreements.transition_agreement(
            actor=staff, agreement_id=agreement.pk, to_status=to_status, reason="Step", effective_on=TODAY
        )
    return agreement


def test_an_agreement_maps_onto_its_iati_activity(programme, iati_schema, settings):
    settings.IATI_REPORTING_ORG_REF = "DK-CVR-12345678"
    activity = assert_valid(iati_schema, activities_document(Agreement.objects.all())).find("iati-activity")

    def rows(path, *attributes):
        return [tuple(e.get(a) for a in attributes) + (e.findtext("narrative"),) for e in activity.findall(path)]

    assert activity.findtext("iati-identifier") == "DK-CVR-12345678-UA-DK-2026-003"
    assert activity.get("default-currency") == "EUR"
    assert rows("participating-org", "role", "type") == [
        ("1", "10", "Danish Ministry of Defence"),
        ("2", "10", "Ministry of Strategic Industries"),
        ("4", "70", "Kharkiv Interceptor Works"),
        ("4", "10", "Armed Forces of Ukraine"),
    ]
    assert activity.find("activity-status").get("code") == "2"
    today = timezone.localdate().isoformat()
    assert rows("activity-date", "type", "iso-date") == [
        ("1", "2026-02-01", None),
        ("2", today, None),
        ("3", "2027-01-31", None),
    ]
    assert activity.find("recipient-country").get("code") == "UA"
    assert rows("sector", "vocabulary", "code", "percentage") == [
        ("99", "air-defence", "50.00", "Air defence"),
        ("99", "drones", "50.00", "Drones"),
    ]
    budget = activity.find("budget")
    assert (budget.find("period-start").get("iso-date"), budget.find("period-end").get("iso-date")) == (
        "2026-02-01",
        "2027-01-31",
    )
    assert (budget.findtext("value"), budget.find("value").get("currency")) == ("3000000.00", "EUR")
    transactions = [
        (
            t.find("transaction-type").get("code"),
            t.find("transaction-date").get("iso-date"),
            t.findtext("value"),
            t.find("value").get("currency"),
            t.find("value").get("value-date"),
            t.findtext("provider-org/narrative"),
        )
        for t in activity.findall("transaction")
    ]
    assert transactions == [
        ("2", str(TODAY), "2000000.00", "DKK", str(TODAY), "Danish Ministry of Defence"),
        ("3", "2026-03-02", "500000.00", "DKK", "2026-03-02", "Danish Ministry of Defence"),
    ]
    (result,) = activity.findall("result")
    assert (result.get("type"), result.findtext("title/narrative")) == ("1", "Interceptors delivered")
    period = result.find("indicator/period")
    assert result.findtext("indicator/title/narrative") == "interceptors"
    assert (period.find("target").get("value"), period.find("actual").get("value")) == ("1000", "240")


def test_indicators_are_results_with_their_periods_and_only_verified_actuals(db, staff, iati_schema):
    indicator = IndicatorFactory(title="Shell line capacity", unit="155 mm shells", target=120000, baseline=5000)
    checked, unchecked, still_open = (
        IndicatorPeriodFactory(indicator=indicator, starts_on=date(2026, m, 1), ends_on=date(2026, m + 2, 28), target=t)
        for m, t in ((1, 30000), (4, 40000), (7, None))
    )
    for period, actual in ((checked, 28000), (unchecked, 39000)):
        indicators.report_actual(actor=staff, period_id=period.pk, actual=actual)
    indicators.verify_period(actor=staff, period_id=checked.pk)
    indicators.lock_period(actor=staff, period_id=checked.pk)

    activity = assert_valid(iati_schema, activities_document(Agreement.objects.all())).find("iati-activity")

    (result,) = activity.findall("result")
    assert (result.get("type"), result.findtext("title/narrative")) == ("1", "Shell line capacity")
    assert result.findtext("indicator/title/narrative") == "155 mm shells (Capacity (units a year))"
    assert (result.find("indicator/baseline").get("year"), result.find("indicator/baseline").get("value")) == (
        "2026",
        "5000",
    )
    periods = [
        (
            p.find("period-start").get("iso-date"),
            p.find("target").get("value") if p.find("target") is not None else None,
            p.find("actual").get("value") if p.find("actual") is not None else None,
        )
        for p in result.findall("indicator/period")
    ]
    assert periods == [("2026-01-01", "30000", "28000"), ("2026-04-01", "40000", None), ("2026-07-01", None, None)]


def test_a_completed_agreement_has_its_actual_end_and_closed_status(programme, staff, iati_schema):
    agreements.transition_agreement(actor=staff, agreement_id=programme.pk, to_status="completed", reason="Delivered")

    activity = assert_valid(iati_schema, activities_document(Agreement.objects.all())).find("iati-activity")

    assert activity.find("activity-status").get("code") == "4"
    assert activity.find("activity-date[@type='4']").get("iso-date") == timezone.localdate().isoformat()


def test_the_export_runs_the_same_queries_for_one_agreement_or_many(programme, django_assert_num_queries):
    IndicatorPeriodFactory(indicator=IndicatorFactory(agreement=programme))
    with django_assert_num_queries(9):
        activities_document(Agreement.objects.all())
    for n in range(5):
        more = AgreementFactory(starts_on=TODAY, ends_on=TODAY + timedelta(days=90 + n))
        PartyFactory(agreement=more, role=PartyRole.FUNDER)
        CommitmentFactory(agreement=more)
        MilestoneFactory(agreement=more, unit="units", target_quantity=10)
        IndicatorPeriodFactory(indicator=IndicatorFactory(agreement=more))
    with django_assert_num_queries(9):
        activities_document(Agreement.objects.all())


def test_a_draft_without_parties_names_the_programme_office_and_odd_characters_are_left_out(db, iati_schema):
    AgreementFactory(reference="UA-XX-\x01007", title="Line\x0b 2\x1f of shells", summary="Tab\tand\nnewline stay.")

    activity = assert_valid(iati_schema, activities_document(Agreement.objects.all())).find("iati-activity")

    assert activity.findtext("iati-identifier") == "XX-COPRODUCTION-TRACKER-UA-XX-007"
    assert activity.findtext("title/narrative") == "Line 2 of shells"
    assert activity.findtext("description/narrative") == "Tab\tand\nnewline stay."
    (office,) = activity.findall("participating-org")
    assert (office.get("ref"), office.get("role"), office.findtext("narrative")) == (
        "XX-COPRODUCTION-TRACKER",
        "2",
        "Co-production programme office",
    )
