"""Every rule the database can hold refuses bad rows itself, even when validation is bypassed.

Rows are written with `objects.create` / queryset `update` (no `full_clean`), so only the database
stands between bad data and the tables. Each case first writes a valid neighbour of the bad row,
so the refusal cannot come from something else being wrong.
"""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from projects.models import Agreement, CountryEconomy, Disbursement, ExchangeRate, Milestone, StatusChange
from tests.factories import (
    TODAY,
    AgreementFactory,
    CapabilityFactory,
    ChangeRequestFactory,
    CommitmentFactory,
    DisbursementFactory,
    IndicatorFactory,
    IndicatorPeriodFactory,
    MilestoneFactory,
    OrganizationFactory,
    PartyFactory,
    StaffUserFactory,
    StatusReportFactory,
    TrancheFactory,
)

pytestmark = pytest.mark.django_db


def status_change(**fields) -> StatusChange:
    values = {
        "from_status": "draft",
        "to_status": "negotiating",
        "reason": "Talks opened.",
        "changed_at": timezone.now(),
        **fields,
    }
    return StatusChange.objects.create(agreement=AgreementFactory(), **values)


def exchange_rate(**fields) -> ExchangeRate:
    return ExchangeRate.objects.create(**{"currency": "GBP", "rate": Decimal("1.17"), "valid_on": TODAY, **fields})


def economy(**fields) -> CountryEconomy:
    values = {"country": "DE", "year": 2025, "gdp": Decimal("4300000000000"), "currency": "EUR", "source": "Destatis"}
    return CountryEconomy.objects.create(**{**values, **fields})


def period(*, reported: bool = False, verified: bool = False, **fields):
    """A period, reported (an actual and its time) and verified (by whom, when) as asked, then `fields`."""
    values = {}
    if reported:
        values |= {"state": "reported", "actual": 10, "reported_at": timezone.now()}
    if verified:
        values |= {"state": "verified", "verified_by": StaffUserFactory(), "verified_at": timezone.now()}
    values |= {name: value() if callable(value) else value for name, value in fields.items()}
    return IndicatorPeriodFactory(**values)


def decided(state: str, by=None, **fields) -> dict:
    return {"state": state, "decided_by": by or StaffUserFactory(), "decided_at": timezone.now(), **fields}


def self_decided():
    author = StaffUserFactory()
    return ChangeRequestFactory(author_user=author, **decided("applied", by=author))


def verified(**fields) -> dict:
    return {"verified_by": StaffUserFactory(), "verified_at": timezone.now(), **fields}


def reported_by_both() -> dict:
    return {"reported_by_user": StaffUserFactory(), "reported_by_organization": OrganizationFactory()}


def done(**fields) -> dict:
    return {"status": "done", **fields}


# (build, valid fields, invalid fields, constraint name)
CHECKS = [
    pytest.param(AgreementFactory, {"budget": Decimal("0")}, {"budget": Decimal("-0.01")},
                 "agreement_budget_not_negative", id="agreement-budget-not-negative"),
    pytest.param(AgreementFactory, {"kind": "training"}, {"kind": "barter"},
                 "agreement_kind_valid", id="agreement-kind-enum"),
    pytest.param(AgreementFactory, {"status": "negotiating"}, {"status": "archived"},
                 "agreement_status_valid", id="agreement-status-enum"),
    pytest.param(AgreementFactory, {"currency": "UAH"}, {"currency": "uah"},
                 "agreement_currency_iso4217", id="agreement-currency-lowercase"),
    pytest.param(AgreementFactory, {"currency": "GBP"}, {"currency": "G8P"},
                 "agreement_currency_iso4217", id="agreement-currency-digit"),
    pytest.param(AgreementFactory, {"starts_on": TODAY, "ends_on": TODAY},
                 {"starts_on": TODAY, "ends_on": TODAY - datetime.timedelta(days=1)},
                 "agreement_ends_after_start", id="agreement-ends-before-start"),
    pytest.param(AgreementFactory, {"status": "signed", "signed_on": TODAY}, {"status": "signed", "signed_on": None},
                 "agreement_signed_has_date", id="signed-agreement-needs-signed-on"),
    pytest.param(AgreementFactory, {"status": "suspended", "signed_on": TODAY},
                 {"status": "completed", "signed_on": None},
                 "agreement_signed_has_date", id="completed-agreement-needs-signed-on"),
    pytest.param(PartyFactory, {"role": "funder"}, {"role": "cheerleader"}, "party_role_valid", id="party-role-enum"),
    pytest.param(status_change, {"reason": "Signed in Kyiv."}, {"reason": ""},
                 "status_change_has_reason", id="status-change-needs-reason"),
    pytest.param(status_change, {"to_status": "terminated"}, {"to_status": "draft"},
                 "status_change_moves", id="status-change-must-move"),
    pytest.param(CommitmentFactory, {"amount": Decimal("0.01")}, {"amount": Decimal("0")},
                 "commitment_amount_positive", id="commitment-amount-zero"),
    pytest.param(CommitmentFactory, {"amount": Decimal("0.01")}, {"amount": Decimal("-5")},
                 "commitment_amount_positive", id="commitment-amount-negative"),
    pytest.param(CommitmentFactory, {"status": "pledged"}, {"status": "maybe"},
                 "commitment_status_valid", id="commitment-status-enum"),
    pytest.param(CommitmentFactory, {"currency": "USD"}, {"currency": "US"},
                 "commitment_currency_iso4217", id="commitment-currency-two-letters"),
    pytest.param(TrancheFactory, {"amount": Decimal("0.01")}, {"amount": Decimal("0")},
                 "tranche_amount_positive", id="tranche-amount-positive"),
    pytest.param(TrancheFactory, {"released_at": None}, {"released_at": timezone.now()},
                 "tranche_released_by_someone", id="tranche-released-by-someone"),
    pytest.param(DisbursementFactory, {"amount": Decimal("0.01")}, {"amount": Decimal("0")},
                 "disbursement_amount_positive", id="disbursement-amount-zero"),
    pytest.param(DisbursementFactory, {"reference": "PAY-1"}, {"reference": ""},
                 "disbursement_has_reference", id="disbursement-needs-reference"),
    pytest.param(exchange_rate, {"rate": Decimal("0.00000001")}, {"rate": Decimal("0")},
                 "exchange_rate_positive", id="exchange-rate-zero"),
    pytest.param(exchange_rate, {"rate": Decimal("0.00000001")}, {"rate": Decimal("-1.2")},
                 "exchange_rate_positive", id="exchange-rate-negative"),
    pytest.param(exchange_rate, {"currency": "PLN"}, {"currency": "pln"},
                 "exchange_rate_currency_iso4217", id="exchange-rate-currency"),
    pytest.param(economy, {"country": "GB"}, {"country": "gb"},
                 "country_economy_country_iso2", id="economy-country-lowercase"),
    pytest.param(economy, {"year": 2100}, {"year": 2101},
                 "country_economy_year_plausible", id="economy-year-too-late"),
    pytest.param(economy, {"year": 1990}, {"year": 1989},
                 "country_economy_year_plausible", id="economy-year-too-early"),
    pytest.param(economy, {"gdp": Decimal("0.01")}, {"gdp": Decimal("0")},
                 "country_economy_gdp_positive", id="economy-gdp-zero"),
    pytest.param(economy, {"currency": "PLN"}, {"currency": "pln"},
                 "country_economy_currency_iso4217", id="economy-currency"),
    pytest.param(economy, {"source": "IMF"}, {"source": ""},
                 "country_economy_has_source", id="economy-source-blank"),
    pytest.param(OrganizationFactory, {"country": "GB"}, {"country": "gb"},
                 "organization_country_iso2", id="organization-country-lowercase"),
    pytest.param(OrganizationFactory, {"country": "PL"}, {"country": "P1"},
                 "organization_country_iso2", id="organization-country-digit"),
    pytest.param(OrganizationFactory, {"kind": "ngo"}, {"kind": "club"},
                 "organization_kind_valid", id="organization-kind-enum"),
    pytest.param(MilestoneFactory, {"status": "blocked"}, {"status": "forgotten"},
                 "milestone_status_valid", id="milestone-status-enum"),
    pytest.param(MilestoneFactory, done(completed_on=TODAY), done(completed_on=None),
                 "milestone_completed_on_iff_done", id="done-milestone-needs-completed-on"),
    pytest.param(MilestoneFactory, {"status": "in_progress", "completed_on": None},
                 {"status": "in_progress", "completed_on": TODAY},
                 "milestone_completed_on_iff_done", id="open-milestone-has-no-completed-on"),
    pytest.param(MilestoneFactory, {"unit": "drones", "target_quantity": 500}, {"unit": "", "target_quantity": 500},
                 "milestone_target_has_unit", id="milestone-target-needs-unit"),
    pytest.param(MilestoneFactory, {"unit": "drones", "target_quantity": 500, "actual_quantity": 20},
                 {"actual_quantity": 20},
                 "milestone_actual_needs_target", id="milestone-actual-needs-target"),
    pytest.param(StatusReportFactory, {"rag": "amber"}, {"rag": "purple"}, "report_rag_valid", id="report-rag-enum"),
    pytest.param(ChangeRequestFactory, {"reason": "Board minute 4"}, {"reason": "  "},
                 "change_request_has_reason", id="change-request-needs-reason"),
    pytest.param(lambda bad=False: ChangeRequestFactory(author_user=None,
                                                        author_organization=None if bad else OrganizationFactory()),
                 {}, {"bad": True}, "change_request_one_author", id="change-request-needs-an-author"),
    pytest.param(lambda **f: ChangeRequestFactory(**{**decided("applied"), **f}), {"state": "applied"},
                 {"state": "maybe"}, "change_request_state_valid", id="change-request-state-enum"),
    pytest.param(lambda **f: ChangeRequestFactory(**{**decided("applied"), **f}), {}, {"decided_at": None},
                 "change_request_decision_complete", id="decided-request-names-when"),
    pytest.param(lambda bad=False: ChangeRequestFactory(**(decided("pending") if bad else {})), {}, {"bad": True},
                 "change_request_decision_complete", id="pending-request-is-undecided"),
    pytest.param(lambda **f: ChangeRequestFactory(**{**decided("rejected"), **f}), {"decision_note": "Not agreed"},
                 {"decision_note": ""}, "change_request_refusal_explained", id="rejection-says-why"),
    pytest.param(lambda bad=False: self_decided() if bad else ChangeRequestFactory(**decided("applied")), {},
                 {"bad": True}, "change_request_second_person", id="author-cannot-decide"),
    pytest.param(lambda **f: CommitmentFactory(**verified(**f)), {}, {"verified_by": None},
                 "projects_fundingcommitment_verified_by_and_at", id="commitment-verified-by-whom"),
    pytest.param(lambda bad=False: CommitmentFactory(**(reported_by_both() if bad else {})), {}, {"bad": True},
                 "projects_fundingcommitment_one_reporter", id="commitment-one-reporter"),
    pytest.param(lambda **f: DisbursementFactory(**verified(**f)), {}, {"verified_at": None},
                 "projects_disbursement_verified_by_and_at", id="disbursement-verified-when"),
    pytest.param(lambda bad=False: DisbursementFactory(**(reported_by_both() if bad else {})), {}, {"bad": True},
                 "projects_disbursement_one_reporter", id="disbursement-one-reporter"),
    pytest.param(StatusReportFactory, {"summary": "Line two running."}, {"summary": ""},
                 "report_has_summary", id="report-needs-summary"),
    pytest.param(IndicatorFactory, {"kind": "output"}, {"kind": "wish"}, "indicator_kind_valid", id="indicator-kind"),
    pytest.param(IndicatorFactory, {"unit": "shells"}, {"unit": ""}, "indicator_has_unit", id="indicator-unit"),
    pytest.param(period, {"starts_on": TODAY, "ends_on": TODAY},
                 {"starts_on": TODAY, "ends_on": TODAY - datetime.timedelta(days=1)},
                 "period_ends_after_start", id="period-ends-before-start"),
    pytest.param(period, {"reported": True}, {"reported": True, "state": "approved"},
                 "period_state_valid", id="period-state-enum"),
    pytest.param(period, {"reported": True}, {"actual": 10}, "period_actual_iff_reported", id="open-period-no-actual"),
    pytest.param(period, {"reported": True}, {"reported": True, "actual": None},
                 "period_actual_iff_reported", id="reported-period-needs-actual"),
    pytest.param(period, {"reported": True, "verified": True}, {"reported": True, "state": "locked"},
                 "period_verified_iff_state", id="locked-period-needs-verification"),
    pytest.param(period, {"reported": True, "verified": True},
                 {"reported": True, "verified": True, "state": "reported"},
                 "period_verified_iff_state", id="reported-period-not-verified"),
    pytest.param(period, {"reported": True, "reported_by_organization": OrganizationFactory},
                 {"reported_by_organization": OrganizationFactory},
                 "period_reporter_has_time", id="period-reporter-needs-time"),
    pytest.param(period, {"reported": True, "reported_by_user": StaffUserFactory},
                 {"reported": True, "reported_by_user": StaffUserFactory,
                  "reported_by_organization": OrganizationFactory},
                 "projects_indicatorperiod_one_reporter", id="period-one-reporter"),
    pytest.param(period, {"reported": True, "verified": True},
                 {"reported": True, "verified": True, "verified_by": None},
                 "projects_indicatorperiod_verified_by_and_at", id="period-verified-by-and-at"),
]  # fmt: skip


@pytest.mark.parametrize(("build", "valid", "invalid", "constraint"), CHECKS)
def test_database_refuses_row_breaking_check_constraint(build, valid, invalid, constraint):
    with transaction.atomic():
        build(**valid)
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        build(**invalid)


def test_database_refuses_negative_milestone_quantities():
    with transaction.atomic():
        MilestoneFactory(unit="specialists trained", target_quantity=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        MilestoneFactory(unit="specialists trained", target_quantity=-1)


# (first row, valid neighbour built from it, duplicate of it, "model.field" or constraint name)
UNIQUES = [
    pytest.param(
        lambda: AgreementFactory(reference="UA-GB-2025-007"),
        lambda first: AgreementFactory(reference="UA-GB-2025-008"),
        lambda first: AgreementFactory(reference=first.reference),
        "agreement.reference",
        id="agreement-reference",
    ),
    pytest.param(
        lambda: OrganizationFactory(name="Airbus", slug="airbus"),
        lambda first: OrganizationFactory(name="Airbus Defence", slug="airbus-defence"),
        lambda first: OrganizationFactory(name=first.name, slug="airbus-2"),
        "organization.name",
        id="organization-name",
    ),
    pytest.param(
        lambda: OrganizationFactory(name="Airbus", slug="airbus"),
        lambda first: OrganizationFactory(name="Airbus Defence", slug="airbus-defence"),
        lambda first: OrganizationFactory(name="Airbus 2", slug=first.slug),
        "organization.slug",
        id="organization-slug",
    ),
    pytest.param(
        lambda: CapabilityFactory(name="Strike drones", slug="strike-drones"),
        lambda first: CapabilityFactory(name="Interceptor drones", slug="interceptor-drones"),
        lambda first: CapabilityFactory(name=first.name, slug="strike-drones-2"),
        "capability.name",
        id="capability-name",
    ),
    pytest.param(
        lambda: CapabilityFactory(name="Strike drones", slug="strike-drones"),
        lambda first: CapabilityFactory(name="Interceptor drones", slug="interceptor-drones"),
        lambda first: CapabilityFactory(name="Strike drones 2", slug=first.slug),
        "capability.slug",
        id="capability-slug",
    ),
    pytest.param(
        lambda: PartyFactory(role="producer"),
        lambda first: PartyFactory(agreement=first.agreement, organization=first.organization, role="trainer"),
        lambda first: PartyFactory(agreement=first.agreement, organization=first.organization, role=first.role),
        "party_role_unique",
        id="party-role-per-agreement",
    ),
    pytest.param(
        lambda: CommitmentFactory(reference="GB-PLEDGE-1"),
        # The same reference on another agreement, and blank references on the same one, are fine.
        lambda first: (
            CommitmentFactory(reference=first.reference),
            CommitmentFactory(agreement=first.agreement, reference=""),
            CommitmentFactory(agreement=first.agreement, reference=""),
        ),
        lambda first: CommitmentFactory(agreement=first.agreement, reference=first.reference),
        "commitment_reference_unique",
        id="commitment-reference-per-agreement",
    ),
    pytest.param(
        lambda: DisbursementFactory(reference="PAY-1"),
        lambda first: DisbursementFactory(reference=first.reference),
        lambda first: DisbursementFactory(commitment=first.commitment, reference=first.reference),
        "disbursement_reference_unique",
        id="disbursement-reference-per-commitment",
    ),
    pytest.param(
        lambda: exchange_rate(currency="GBP", valid_on=TODAY),
        lambda first: (exchange_rate(currency="GBP", valid_on=TODAY + datetime.timedelta(days=1)),
                       exchange_rate(currency="USD", valid_on=TODAY)),
        lambda first: exchange_rate(currency="GBP", valid_on=TODAY, rate=Decimal("1.18")),
        "exchange_rate_unique_per_day",
        id="exchange-rate-per-currency-and-day",
    ),
    pytest.param(
        lambda: economy(country="GB", year=2025),
        lambda first: (economy(country="GB", year=2024), economy(country="DE", year=2025)),
        lambda first: economy(country="GB", year=2025, gdp=Decimal("1")),
        "country_economy_unique_per_year",
        id="economy-per-country-and-year",
    ),
    pytest.param(
        lambda: IndicatorFactory(title="Drone line capacity"),
        lambda first: IndicatorFactory(title=first.title),
        lambda first: IndicatorFactory(agreement=first.agreement, title=first.title),
        "indicator_title_unique",
        id="indicator-title-per-agreement",
    ),
    pytest.param(
        lambda: IndicatorPeriodFactory(starts_on=TODAY, ends_on=TODAY + datetime.timedelta(days=9)),
        lambda first: IndicatorPeriodFactory(
            indicator=first.indicator, starts_on=first.ends_on + datetime.timedelta(days=1), ends_on=first.ends_on
            + datetime.timedelta(days=1)
        ),
        lambda first: IndicatorPeriodFactory(indicator=first.indicator, starts_on=first.ends_on, ends_on=first.ends_on),
        "period_no_overlap",
        id="periods-of-an-indicator-apart",
        marks=pytest.mark.postgres,  # an exclusion constraint; SQLite checks it on validation only
    ),
]  # fmt: skip


def unique_violation(covers: str) -> str:
    """What the database names in its refusal; SQLite names columns, not constraints."""
    if "." in covers:
        model, field = covers.split(".")
        return rf"projects_{model}[._]{field}"
    return covers if connection.vendor == "postgresql" else "UNIQUE constraint failed"


@pytest.mark.parametrize(("first", "valid", "duplicate", "covers"), UNIQUES)
def test_database_refuses_duplicate_of_unique_value(first, valid, duplicate, covers):
    row = first()
    with transaction.atomic():
        valid(row)
    with pytest.raises(IntegrityError, match=unique_violation(covers)), transaction.atomic():
        duplicate(row)


def test_every_database_rule_of_the_domain_has_a_case_above():
    """A constraint added later without a test here fails this test."""
    rules = set()
    for model in apps.get_app_config("projects").get_models():
        if model.__module__.startswith("projects.models"):
            rules |= {constraint.name for constraint in model._meta.constraints}
            rules |= {
                f"{model._meta.model_name}.{f.name}" for f in model._meta.fields if f.unique and not f.primary_key
            }
    covered = {case.values[3] for case in CHECKS + UNIQUES}

    assert rules - covered == set()


# Queryset updates skip validation and signals: the constraints still hold.
UPDATES = [
    pytest.param(AgreementFactory, Agreement, {"budget": Decimal("0")}, {"budget": Decimal("-1")}, id="budget"),
    pytest.param(
        AgreementFactory, Agreement, {"ends_on": TODAY}, {"ends_on": TODAY - datetime.timedelta(days=1)}, id="dates"
    ),
    pytest.param(DisbursementFactory, Disbursement, {"amount": Decimal("1")}, {"amount": Decimal("-1")}, id="amount"),
    pytest.param(
        MilestoneFactory,
        Milestone,
        {"status": "done", "completed_on": TODAY},
        {"status": "done", "completed_on": None},
        id="milestone-done",
    ),
]


@pytest.mark.parametrize(("build", "model", "valid", "invalid"), UPDATES)
def test_queryset_update_cannot_break_constraints(build, model, valid, invalid):
    rows = model.objects.filter(pk=build().pk)
    with transaction.atomic():
        assert rows.update(**valid) == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.update(**invalid)
