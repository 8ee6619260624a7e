"""Milestones: completion keeps its date and quantity, progress comes only from the responsible party."""

import datetime

import pytest
from django.utils import timezone

from projects.actors import Actor
from projects.errors import DomainError, ErrorCode
from projects.models import Milestone
from projects.services.milestones import (
    complete_milestone,
    create_milestone,
    update_milestone,
    update_milestone_progress,
)
from tests.factories import TODAY, AgreementFactory, MilestoneFactory, OrganizationFactory, PartyFactory, UserFactory

pytestmark = pytest.mark.django_db


def counted(**fields) -> Milestone:
    return MilestoneFactory(unit="specialists trained", target_quantity=40, **fields)


def test_completing_a_milestone_records_date_and_quantity_reached(staff):
    milestone = counted(status="in_progress")

    complete_milestone(actor=staff, milestone_id=milestone.pk, completed_on=TODAY, actual_quantity=42)

    done = Milestone.objects.get(pk=milestone.pk)
    assert (done.status, done.completed_on, done.actual_quantity) == ("done", TODAY, 42)
    assert done.progress == 1.0 and not done.is_overdue


def test_completing_without_a_date_completes_today(staff):
    milestone = MilestoneFactory()

    complete_milestone(actor=staff, milestone_id=milestone.pk)

    assert Milestone.objects.get(pk=milestone.pk).completed_on == timezone.localdate()


def test_milestone_cannot_be_completed_in_the_future(staff):
    milestone = MilestoneFactory()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    with pytest.raises(DomainError) as refused:
        complete_milestone(actor=staff, milestone_id=milestone.pk, completed_on=tomorrow)

    assert (refused.value.code, refused.value.field) == (ErrorCode.INVALID, "completed_on")
    unchanged = Milestone.objects.get(pk=milestone.pk)
    assert (unchanged.status, unchanged.completed_on) == ("planned", None)


def test_reopening_a_done_milestone_clears_its_completion_date(staff):
    milestone = MilestoneFactory(status="done", completed_on=TODAY)

    update_milestone_progress(actor=staff, milestone_id=milestone.pk, status="in_progress")

    reopened = Milestone.objects.get(pk=milestone.pk)
    assert (reopened.status, reopened.completed_on) == ("in_progress", None)


def test_only_a_done_milestone_has_a_completion_date(staff):
    milestone = MilestoneFactory()

    with pytest.raises(DomainError) as refused:
        update_milestone_progress(actor=staff, milestone_id=milestone.pk, status="blocked", completed_on=TODAY)

    assert (refused.value.code, refused.value.field) == (ErrorCode.INVALID, "completed_on")
    assert Milestone.objects.get(pk=milestone.pk).status == "planned"
    update_milestone_progress(actor=staff, milestone_id=milestone.pk, status="blocked")
    assert Milestone.objects.get(pk=milestone.pk).status == "blocked"


def test_actual_quantity_needs_a_target(staff):
    uncounted = MilestoneFactory()
    target = counted()

    with pytest.raises(DomainError) as refused:
        update_milestone_progress(actor=staff, milestone_id=uncounted.pk, actual_quantity=5)

    assert refused.value.code == ErrorCode.INVALID
    assert Milestone.objects.get(pk=uncounted.pk).actual_quantity is None
    update_milestone_progress(actor=staff, milestone_id=target.pk, actual_quantity=5)
    assert Milestone.objects.get(pk=target.pk).actual_quantity == 5


@pytest.mark.parametrize(
    ("target", "actual", "progress"),
    [(None, None, None), (0, None, None), (40, None, 0.0), (40, 10, 0.25), (40, 40, 1.0), (40, 55, 1.0)],
)
def test_progress_is_the_share_of_the_target_reached_capped_at_one(target, actual, progress):
    milestone = Milestone(unit="drones" if target is not None else "", target_quantity=target, actual_quantity=actual)
    assert milestone.progress == progress


def test_overdue_means_past_due_and_neither_done_nor_cancelled():
    today = TODAY
    late = MilestoneFactory(due_on=today - datetime.timedelta(days=1), status="in_progress")
    MilestoneFactory(due_on=today - datetime.timedelta(days=1), status="done", completed_on=today)
    MilestoneFactory(due_on=today - datetime.timedelta(days=1), status="cancelled")
    due_today = MilestoneFactory(due_on=today, status="blocked")

    assert list(Milestone.objects.overdue(today)) == [late]
    assert set(Milestone.objects.open()) == {late, due_today}


def test_responsible_organisation_must_be_a_party(staff):
    agreement = AgreementFactory()
    party = PartyFactory(agreement=agreement).organization
    outsider = OrganizationFactory()
    plan = {"actor": staff, "agreement_id": agreement.pk, "title": "Line one", "due_on": TODAY}

    with pytest.raises(DomainError) as refused:
        create_milestone(responsible=outsider, **plan)

    assert (refused.value.code, refused.value.field) == (ErrorCode.NOT_A_PARTY, "responsible")
    assert not Milestone.objects.exists()
    milestone = create_milestone(responsible=party, **plan)

    with pytest.raises(DomainError) as refused:
        update_milestone(actor=staff, milestone_id=milestone.pk, responsible=outsider)
    assert refused.value.code == ErrorCode.NOT_A_PARTY
    assert Milestone.objects.get(pk=milestone.pk).responsible == party


def test_milestone_created_done_gets_a_completion_date(staff):
    agreement = AgreementFactory()
    party = PartyFactory(agreement=agreement).organization

    milestone = create_milestone(
        actor=staff, agreement_id=agreement.pk, title="Kick-off", due_on=TODAY, responsible=party, status="done"
    )

    assert milestone.completed_on == timezone.localdate()


def test_partner_records_progress_only_on_milestones_it_is_responsible_for(partner, partner_org):
    own = counted(responsible=partner_org)
    # Another party's milestone on the same agreement: visible to the partner, not its to update.
    other = counted(agreement=own.agreement)
    colleague = Actor(user=UserFactory(is_staff=False))

    update_milestone_progress(actor=partner, milestone_id=own.pk, status="in_progress", actual_quantity=12)
    for outsider in (partner, colleague):
        with pytest.raises(DomainError) as refused:
            update_milestone_progress(actor=outsider, milestone_id=other.pk, actual_quantity=12)
        assert refused.value.code == ErrorCode.PERMISSION_DENIED

    assert Milestone.objects.get(pk=own.pk).actual_quantity == 12
    assert Milestone.objects.get(pk=other.pk).actual_quantity is None


def test_partner_cannot_replan_its_milestones(partner, partner_org):
    milestone = MilestoneFactory(responsible=partner_org)
    later = milestone.due_on + datetime.timedelta(days=90)

    with pytest.raises(DomainError) as refused:
        update_milestone(actor=partner, milestone_id=milestone.pk, due_on=later)
    assert refused.value.code == ErrorCode.PERMISSION_DENIED
    with pytest.raises(DomainError) as refused:
        update_milestone_progress(actor=partner, milestone_id=milestone.pk, due_on=later)
    assert refused.value.code == ErrorCode.INVALID and "due_on" in refused.value.message

    assert Milestone.objects.get(pk=milestone.pk).due_on == milestone.due_on


def test_stale_progress_update_is_a_conflict(staff):
    milestone = counted()
    seen = milestone.updated_at
    update_milestone_progress(actor=staff, milestone_id=milestone.pk, actual_quantity=10, expected_updated_at=seen)

    with pytest.raises(DomainError) as refused:
        update_milestone_progress(actor=staff, milestone_id=milestone.pk, actual_quantity=3, expected_updated_at=seen)

    assert refused.value.code == ErrorCode.CONFLICT
    assert Milestone.objects.get(pk=milestone.pk).actual_quantity == 10


def test_completing_a_milestone_someone_changed_meanwhile_is_a_conflict(staff):
    milestone = counted()
    seen = milestone.updated_at
    update_milestone_progress(actor=staff, milestone_id=milestone.pk, actual_quantity=10)

    with pytest.raises(DomainError) as refused:
        complete_milestone(actor=staff, milestone_id=milestone.pk, actual_quantity=40, expected_updated_at=seen)
    assert refused.value.code == ErrorCode.CONFLICT
    assert Milestone.objects.filter(pk=milestone.pk, status="planned", actual_quantity=10).exists()

    current = Milestone.objects.get(pk=milestone.pk).updated_at
    complete_milestone(actor=staff, milestone_id=milestone.pk, actual_quantity=40, expected_updated_at=current)
    assert Milestone.objects.get(pk=milestone.pk).status == "done"


def test_milestone_cannot_be_created_as_completed_in_the_future(staff):
    agreement = AgreementFactory()
    party = PartyFactory(agreement=agreement).organization
    plan = {"actor": staff, "agreement_id": agreement.pk, "title": "Kick-off", "due_on": TODAY, "responsible": party}
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    with pytest.raises(DomainError) as refused:
        create_milestone(status="done", completed_on=tomorrow, **plan)

    assert (refused.value.code, refused.value.field) == (ErrorCode.INVALID, "completed_on")
    assert not Milestone.objects.exists()
    create_milestone(status="done", completed_on=TODAY, **plan)
    assert Milestone.objects.get().completed_on == TODAY


@pytest.mark.parametrize(
    ("start", "moves"),
    [
        ("planned", ["in_progress", "done"]),
        ("planned", ["done"]),
        ("in_progress", ["done"]),
    ],
)
def test_partner_moves_its_milestone_forward_from_planned_to_in_progress_to_done(partner, partner_org, start, moves):
    milestone = counted(responsible=partner_org, status=start)

    for status in moves:
        update_milestone_progress(actor=partner, milestone_id=milestone.pk, status=status, actual_quantity=40)

    milestone.refresh_from_db()
    assert (milestone.status, milestone.actual_quantity) == ("done", 40)
    assert milestone.completed_on == timezone.localdate()


@pytest.mark.parametrize(
    ("start", "to"),
    [
        ("planned", "cancelled"),
        ("planned", "blocked"),
        ("in_progress", "planned"),
        ("in_progress", "blocked"),
        ("in_progress", "cancelled"),
        ("done", "in_progress"),
        ("done", "planned"),
        ("blocked", "in_progress"),
        ("cancelled", "planned"),
    ],
)
def test_cancelling_blocking_and_reopening_a_milestone_is_for_programme_managers(
    partner, partner_org, staff, start, to
):
    completed_on = TODAY if start == "done" else None
    milestone = counted(responsible=partner_org, status=start, completed_on=completed_on)

    with pytest.raises(DomainError) as refused:
        update_milestone_progress(actor=partner, milestone_id=milestone.pk, status=to)
    assert (refused.value.code, refused.value.field) == (ErrorCode.PERMISSION_DENIED, "status")
    assert Milestone.objects.get(pk=milestone.pk).status == start

    update_milestone_progress(actor=staff, milestone_id=milestone.pk, status=to)
    assert Milestone.objects.get(pk=milestone.pk).status == to


def test_partner_completes_a_milestone_between_the_agreements_start_and_today(partner, partner_org):
    agreement = AgreementFactory(starts_on=datetime.date(2026, 1, 15))
    milestone = counted(agreement=agreement, responsible=partner_org, status="in_progress")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    for too_early_or_late in (datetime.date(2026, 1, 14), tomorrow):
        with pytest.raises(DomainError) as refused:
            complete_milestone(actor=partner, milestone_id=milestone.pk, completed_on=too_early_or_late)
        assert (refused.value.code, refused.value.field) == (ErrorCode.INVALID, "completed_on")
        assert Milestone.objects.get(pk=milestone.pk).status == "in_progress"

    complete_milestone(actor=partner, milestone_id=milestone.pk, completed_on=datetime.date(2026, 1, 15))
    assert Milestone.objects.get(pk=milestone.pk).completed_on == datetime.date(2026, 1, 15)
