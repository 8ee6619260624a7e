"""The one reader of history gives each change with its stored values (the API's) and display values (the pages')."""

import pytest

from projects.changelog import EMPTY, agreement_changes, recent_changes
from projects.services.agreements import update_agreement
from projects.services.milestones import create_milestone
from tests.factories import TODAY, AgreementFactory, CapabilityFactory, PartyFactory

pytestmark = pytest.mark.django_db


def test_a_capability_change_is_one_change_with_ids_stored_and_names_shown(staff):
    agreement = AgreementFactory()
    drones, ew = CapabilityFactory(name="Strike drones"), CapabilityFactory(name="Electronic warfare")

    update_agreement(actor=staff, agreement_id=agreement.pk, capabilities=[drones, ew])

    # The capability change and the save that moved the timestamp are two history rows, but one change.
    changed, created = agreement_changes(agreement)
    assert (changed.action, created.action) == ("changed", "created")
    ids = ",".join(str(pk) for pk in sorted([drones.pk, ew.pk]))
    assert [(f.field, f.old, f.new, f.old_value, f.new_value) for f in changed.fields] == [
        ("capabilities", EMPTY, "Electronic warfare, Strike drones", None, ids)
    ]


def test_a_created_record_lists_its_first_values_stored_and_shown(staff):
    party = PartyFactory()

    create_milestone(
        actor=staff, agreement_id=party.agreement_id, title="First batch", due_on=TODAY, responsible=party.organization
    )

    created = agreement_changes(party.agreement)[0]
    assert (created.subject, created.action, created.who) == ("Milestone “First batch”", "created", "manager")
    fields = {f.field: f for f in created.fields}
    responsible, status, target = fields["responsible"], fields["status"], fields["target_quantity"]
    assert (responsible.old, responsible.new, responsible.new_value) == (
        EMPTY,
        party.organization,
        str(party.organization.pk),
    )
    assert (status.label, status.new, status.new_value) == ("status", "Planned", "planned")
    assert (target.new, target.new_value) == (EMPTY, None)


def test_recent_changes_are_the_newest_of_any_kind_and_only_the_kinds_changed_lately_are_read(
    staff, django_assert_num_queries
):
    party = PartyFactory(agreement__title="Line 1")
    agreement = party.agreement
    update_agreement(actor=staff, agreement_id=agreement.pk, title="Line 2")
    for title in ("First batch", "Second batch"):
        create_milestone(
            actor=staff, agreement_id=agreement.pk, title=title, due_on=TODAY, responsible=party.organization
        )

    # The latest versions of every kind of record, then the milestones, the agreements and their capabilities.
    with django_assert_num_queries(4):
        changes = recent_changes(limit=3)
    with django_assert_num_queries(2):
        assert [change.subject for change in recent_changes(limit=2)] == [
            "Milestone “Second batch”",
            "Milestone “First batch”",
        ]

    assert [(change.subject, change.action) for change in changes] == [
        ("Milestone “Second batch”", "created"),
        ("Milestone “First batch”", "created"),
        (f"Agreement {agreement.reference}", "changed"),
    ]
    assert [(f.field, f.old, f.new) for f in changes[-1].fields] == [("title", "Line 1", "Line 2")]

    # However long the history, the same queries: the latest versions, then the kinds among them.
    for n in range(10):
        create_milestone(
            actor=staff, agreement_id=agreement.pk, title=f"Batch {n}", due_on=TODAY, responsible=party.organization
        )
    with django_assert_num_queries(2):
        assert [change.subject for change in recent_changes(limit=3)] == [
            "Milestone “Batch 9”",
            "Milestone “Batch 8”",
            "Milestone “Batch 7”",
        ]
