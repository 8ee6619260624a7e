from django.apps import apps
from django.core.management import call_command

from projects.choices import AgreementStatus, ChangeState, MilestoneStatus
from projects.models import Agreement, ChangeRequest, Disbursement, FundingCommitment, Milestone
from projects.selectors import portfolio_funding


def row_counts() -> dict[str, int]:
    models = [model for label in ("projects", "notifications") for model in apps.get_app_config(label).get_models()]
    return {model._meta.label: model.objects.count() for model in models}


def test_seed_demo_twice_leaves_the_same_rows(db):
    call_command("seed_demo", verbosity=0)
    first = row_counts()
    call_command("seed_demo", verbosity=0)
    assert row_counts() == first
    assert first["projects.Agreement"] >= 8
    assert first["notifications.Contact"] >= 3


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
