from decimal import Decimal

from django.apps import apps
from django.core.management import call_command

from projects.alerts.models import Alert, AlertState
from projects.choices import AgreementStatus, MilestoneStatus
from projects.models import Agreement, Milestone, Tranche
from projects.selectors import portfolio_funding


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


def test_seed_demo_raises_alerts_of_every_kind(db):
    call_command("seed_demo", verbosity=0)
    kinds = set(Alert.objects.filter(state=AlertState.OPEN).values_list("kind", flat=True))
    assert kinds == {"undisbursed_commitment", "missing_status_report", "overdue_milestone"}


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


def test_seed_demo_pays_a_commitment_in_tranches_linked_to_milestones(db):
    call_command("seed_demo", verbosity=0)
    planned = Tranche.objects.filter(commitment__reference="NL-UAS-02").order_by("planned_on")
    assert [(t.amount, t.milestone.title, t.is_released) for t in planned] == [
        (Decimal("4000000.00"), "Serial production line certified", True),
        (Decimal("6000000.00"), "Long-range strike drones delivered", False),
    ]
