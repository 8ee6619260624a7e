"""History keeps every create, change and delete with its actor, including bulk writes."""

from decimal import Decimal

import pytest
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from projects.actors import Actor
from projects.attribution import acting_as, history_attrs
from projects.models import Agreement, AgreementParty, Milestone, Organization
from projects.services.agreements import create_agreement, remove_party, transition_agreement, update_agreement
from projects.services.funding import record_disbursement
from projects.services.milestones import update_milestone_progress
from tests.factories import (
    TODAY,
    AgreementFactory,
    CapabilityFactory,
    CommitmentFactory,
    ExchangeRateFactory,
    MilestoneFactory,
    PartyFactory,
)

pytestmark = pytest.mark.django_db


def test_staff_writes_are_recorded_with_the_user_and_the_changed_fields(staff, staff_user):
    ExchangeRateFactory(currency="GBP")
    agreement = create_agreement(
        actor=staff, reference="UA-GB-2025-007", title="Aircraft maintenance training", kind="training",
        currency="GBP", budget=Decimal("12000000.00"),
    )  # fmt: skip
    update_agreement(actor=staff, agreement_id=agreement.pk, title="Airbus maintenance training", budget=Decimal("1"))

    changed, created = agreement.history.all()[:2]
    assert (created.history_type, created.history_user, created.history_organization) == ("+", staff_user, None)
    assert (changed.history_type, changed.history_user, changed.history_organization) == ("~", staff_user, None)
    assert sorted(changed.diff_against(created, excluded_fields=["updated_at"]).changed_fields) == ["budget", "title"]


def test_status_change_history_carries_the_reason(staff, staff_user):
    agreement = AgreementFactory()

    transition_agreement(actor=staff, agreement_id=agreement.pk, to_status="negotiating", reason="Kick-off in Kyiv.")

    latest = agreement.history.first()
    assert (latest.status, latest.history_user, latest.history_change_reason) == (
        "negotiating",
        staff_user,
        "Kick-off in Kyiv.",
    )


def test_partner_writes_are_recorded_with_the_organisation(partner, partner_org):
    commitment = CommitmentFactory(funder=partner_org)
    milestone = MilestoneFactory(agreement=commitment.agreement, responsible=partner_org, unit="drones",
                                 target_quantity=100)  # fmt: skip

    disbursement = record_disbursement(
        actor=partner, commitment_id=commitment.pk, amount=Decimal("10.00"), disbursed_on=TODAY, reference="PAY-9"
    )
    update_milestone_progress(actor=partner, milestone_id=milestone.pk, actual_quantity=40)

    paid = disbursement.history.get()
    progress = Milestone.objects.get(pk=milestone.pk).history.first()
    for row in (paid, progress):
        assert (row.history_user, row.history_organization) == (None, partner_org)
    assert (paid.history_type, progress.history_type, progress.actual_quantity) == ("+", "~", 40)


def test_deletes_are_recorded_with_the_actor(staff, staff_user):
    party = PartyFactory()

    remove_party(actor=staff, party_id=party.pk)

    deleted = AgreementParty.history.filter(id=party.pk).first()
    assert (deleted.history_type, deleted.history_user) == ("-", staff_user)
    assert not AgreementParty.objects.filter(pk=party.pk).exists()


def test_writes_outside_services_are_not_attributed_to_a_previous_actor(staff):
    with acting_as(staff):
        pass

    agreement = AgreementFactory()

    assert agreement.history.get().history_user is None


@pytest.mark.parametrize("who", ["staff", "partner"])
def test_bulk_writes_through_the_history_helpers_are_recorded_with_the_actor(who, request):
    actor: Actor = request.getfixturevalue(who)
    rows = [
        Organization(name=f"Bulk supplier {n}", slug=f"bulk-supplier-{n}", kind="company", country="UA")
        for n in range(3)
    ]

    bulk_create_with_history(rows, Organization, **history_attrs(actor))
    created = list(Organization.objects.filter(slug__startswith="bulk-supplier-"))
    for row in created:
        row.country = "PL"
    bulk_update_with_history(created, Organization, ["country"], **history_attrs(actor))

    history = Organization.history.filter(slug__startswith="bulk-supplier-")
    assert sorted(history.values_list("history_type", flat=True)) == ["+"] * 3 + ["~"] * 3
    assert {(row.history_user, row.history_organization) for row in history} == {(actor.user, actor.organization)}
    assert set(history.filter(history_type="~").values_list("country", flat=True)) == {"PL"}


def test_plain_bulk_writes_skip_history_which_is_why_the_helpers_are_needed():
    AgreementFactory()
    Agreement.objects.bulk_create([Agreement(reference="BULK-1", title="Bulk", kind="training", currency="EUR",
                                             budget=Decimal("0"))])  # fmt: skip

    assert Agreement.history.filter(reference="BULK-1").count() == 0
    assert Agreement.history.count() == 1


def test_capability_changes_are_recorded_with_the_actor(staff, staff_user):
    agreement = AgreementFactory()
    drones, artillery = CapabilityFactory(name="Strike drones"), CapabilityFactory(name="Artillery")
    before = agreement.history.first()

    update_agreement(actor=staff, agreement_id=agreement.pk, capabilities=[drones, artillery])

    latest = agreement.history.first()
    assert latest.history_user == staff_user
    assert {row.capability for row in latest.capabilities.all()} == {drones, artillery}
    assert "capabilities" in latest.diff_against(before).changed_fields
