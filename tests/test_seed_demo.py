from decimal import Decimal

from django.apps import apps
from django.core.management import call_command

from projects.alerts.models import Alert, AlertState
from projects.choices import AgreementStatus, ChangeState, MilestoneStatus, OrganizationKind, PeriodState
from projects.models import (
    Agreement,
    ChangeRequest,
    CountryEconomy,
    Disbursement,
    FundingCommitment,
    Indicator,
    IndicatorPeriod,
    Milestone,
    Organization,
    Tranche,
)
from projects.selectors import burden_sharing, portfolio_capacity, portfolio_funding
from projects.selectors.donors import GdpStatus


def row_counts() -> dict[str, int]:
    models = [
        model for label in ("projects", "notifications", "alerts") for model in apps.get_app_config(label).get_models()
    ]
    return {model._meta.label: model.objects.count() for model in models}


def test_seed_demo_twice_leaves_the_same_rows(db):
    call_command("seed_demo", verbosity=0)
    first = row_counts()
    call_command("seed_demo", verbosity=0)
    assert row_counts() == first
    assert first["projects.Agreement"] >= 8
    assert first["notifications.Contact"] >= 3


def test_seed_demo_raises_alerts_of_every_kind_but_a_waiting_change_request(db):
    """The demo's pending change requests are proposed the day it is seeded: not waiting long yet."""
    call_command("seed_demo", verbosity=0)
    kinds = set(Alert.objects.filter(state=AlertState.OPEN).values_list("kind", flat=True))
    assert kinds == {"undisbursed_commitment", "missing_status_report", "overdue_milestone", "period_without_actual"}


def test_seed_demo_portfolio_spans_statuses_currencies_and_milestone_states(db):
    call_command("seed_demo", verbosity=0)
    assert {AgreementStatus.DRAFT, AgreementStatus.ACTIVE, AgreementStatus.SUSPENDED, AgreementStatus.COMPLETED} <= set(
        Agreement.objects.values_list("status", flat=True)
    )
    assert Milestone.objects.overdue().exists()
    assert Milestone.objects.filter(status=MilestoneStatus.DONE, actual_quantity__gt=0).exists()
    assert Agreement.objects.filter(reference="UA-GB-2025-007", parties__organization__slug="airbus-uk").exists()
    funding = portfolio_funding()
    assert len(funding.by_country) >= 5
    assert 0 < funding.total.committed < funding.total.budget


def test_seed_demo_gives_each_donor_country_illustrative_gdp_and_bodies_none(db):
    call_command("seed_demo", verbosity=0)

    economies = CountryEconomy.objects.all()
    assert economies.exists() and all(economy.illustrative for economy in economies)
    funders = Organization.objects.filter(commitments__isnull=False).distinct()
    countries = set(funders.exclude(kind=OrganizationKind.INTERNATIONAL_BODY).values_list("country", flat=True))
    assert countries == set(economies.values_list("country", flat=True))
    sharing = burden_sharing()
    assert {row.gdp_status for row in sharing.rows if row.donor.is_country} == {GdpStatus.KNOWN}
    assert any(row.donor.kind == OrganizationKind.INTERNATIONAL_BODY for row in sharing.rows)


def test_seed_demo_has_illustrative_indicators_some_periods_verified_and_locked(db):
    call_command("seed_demo", verbosity=0)
    titles = set(Indicator.objects.values_list("title", flat=True))
    assert {
        "Interceptor-drone line capacity (illustrative)",
        "155 mm shell line capacity (illustrative)",
        "Specialists certified under the Airbus training programme (illustrative)",
    } <= titles
    assert all("(illustrative)" in title for title in titles)
    states = set(IndicatorPeriod.objects.values_list("state", flat=True))
    assert {PeriodState.OPEN, PeriodState.REPORTED, PeriodState.VERIFIED, PeriodState.LOCKED} <= states
    capacity = portfolio_capacity(Agreement.objects.all())
    drones = next(line for line in capacity.lines if line.unit == "interceptor drones")
    assert drones.on_books == 30000 and 0 < drones.funded < drones.on_books


def test_seed_demo_pays_a_commitment_in_tranches_linked_to_milestones(db):
    call_command("seed_demo", verbosity=0)
    planned = Tranche.objects.filter(commitment__reference="NL-UAS-02").order_by("planned_on")
    assert [(t.amount, t.milestone.title, t.is_released) for t in planned] == [
        (Decimal("4000000.00"), "Serial production line certified", True),
        (Decimal("6000000.00"), "Long-range strike drones delivered", False),
    ]


def test_seed_demo_money_was_approved_by_a_second_manager_and_two_changes_wait(db, settings):
    settings.FOUR_EYES_MONEY = True
    call_command("seed_demo", verbosity=0)

    pending = ChangeRequest.objects.filter(state=ChangeState.PENDING)
    assert sorted(pending.values_list("author_user__username", flat=True)) == ["manager", "manager2"]
    applied = ChangeRequest.objects.filter(state=ChangeState.APPLIED)
    assert applied.count() == FundingCommitment.objects.count() + Disbursement.objects.count()
    assert set(applied.values_list("author_user__username", "decided_by__username")) == {("manager", "manager2")}
    assert (
        FundingCommitment.history.filter(history_user__username="manager2").count() == FundingCommitment.objects.count()
    )
