"""Events are written with the change that causes them, reach only those who may see the agreement, and
carry exactly what the partner reads through the API."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from projects.actors import Actor
from projects.choices import ChangeOperation, ChangeTarget, CommitmentStatus, PartyRole
from projects.errors import DomainError
from projects.models import Organization
from projects.services import agreements, change_requests, funding, indicators, milestones, reports
from projects.services.service import batch
from projects.webhooks.choices import EventType
from projects.webhooks.events import emit, emit_overdue_milestones
from projects.webhooks.models import Delivery, Event
from projects.webhooks.services import subscribe
from tests.api.conftest import bearer
from tests.factories import TODAY, CapabilityFactory, CommitmentFactory, IndicatorFactory, MilestoneFactory
from tests.webhooks.conftest import subscribed, token


def bodies(receiver) -> list[dict]:
    return [json.loads(request.body) for request in receiver.requests]


def test_a_partner_hears_of_its_own_agreements_and_never_of_another_partners(
    alpha, bravo, staff, receiver, django_capture_on_commit_callbacks
):
    bravo_receiver = type(receiver)()
    try:
        subscribed(alpha.organization, receiver.url)
        subscribed(bravo.organization, bravo_receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            milestones.update_milestone(actor=staff, milestone_id=alpha.milestone.pk, title="Line 2 commissioned")
            reports.post_status_report(
                actor=Actor(organization=bravo.organization),
                agreement_id=bravo.agreement.pk,
                reported_on=TODAY,
                rag="amber",
                summary="Supplier late.",
            )
        assert [(b["type"], b["data"]["id"]) for b in bodies(receiver)] == [("milestone.updated", alpha.milestone.pk)]
        assert [b["type"] for b in bodies(bravo_receiver)] == ["status_report.created"]
        assert bodies(bravo_receiver)[0]["data"]["agreement"] == bravo.agreement.pk
    finally:
        bravo_receiver.stop()


def test_a_programme_managers_endpoint_hears_of_every_agreement(alpha, bravo, staff, receiver):
    subscribe(actor=staff, url=receiver.url, events=["milestone.updated"])

    for world in (alpha, bravo):
        milestones.update_milestone(actor=staff, milestone_id=world.milestone.pk, title="Re-planned")

    assert sorted(Event.objects.values_list("agreement_id", flat=True)) == sorted(
        [alpha.agreement.pk, bravo.agreement.pk]
    )


def test_event_data_is_exactly_what_the_partner_reads_through_the_api(alpha, staff):
    subscribed(alpha.organization, "http://127.0.0.9:8443/hook")
    partner = Actor(organization=alpha.organization)
    api = bearer(token(organization=alpha.organization, scope="read"))

    milestones.update_milestone_progress(actor=partner, milestone_id=alpha.milestone.pk, actual_quantity=40)
    commitment = funding.record_commitment(
        actor=staff,
        agreement_id=alpha.agreement.pk,
        funder_id=alpha.organization.pk,
        amount=Decimal("250000.00"),
        currency="EUR",
        pledged_on=TODAY,
        status=CommitmentStatus.COMMITTED,
    )
    disbursement = funding.record_disbursement(
        actor=partner, commitment_id=commitment.pk, amount=Decimal("1000.50"), disbursed_on=TODAY, reference="P-1"
    )
    report = reports.post_status_report(
        actor=partner, agreement_id=alpha.agreement.pk, reported_on=TODAY, rag="green", summary="On track."
    )
    agreements.update_agreement(actor=staff, agreement_id=alpha.agreement.pk, budget=Decimal("2000000.00"))
    change = agreements.transition_agreement(
        actor=staff, agreement_id=alpha.agreement.pk, to_status="negotiating", reason="Talks opened."
    )

    data = {event.type: json.loads(event.body)["data"] for event in Event.objects.order_by("pk")}
    assert data["milestone.updated"] == api.get(f"/api/v1/milestones/{alpha.milestone.pk}/").json()
    assert data["commitment.created"] == api.get(f"/api/v1/commitments/{commitment.pk}/").json()
    assert data["disbursement.created"] == api.get(f"/api/v1/disbursements/{disbursement.pk}/").json()
    assert data["status_report.created"] == api.get(f"/api/v1/status-reports/{report.pk}/").json()
    agreement_now = api.get(f"/api/v1/agreements/{alpha.agreement.pk}/").json()
    assert data["agreement.status_changed"] == {
        "id": change.pk,
        "agreement": agreement_now,
        "from_status": "draft",
        "to_status": "negotiating",
        "reason": "Talks opened.",
        "changed_at": data["agreement.status_changed"]["changed_at"],
    }
    assert data["agreement.updated"]["budget"] == "2000000.00"


def test_the_body_is_type_timestamp_and_data(alpha, staff):
    subscribed(alpha.organization, "http://127.0.0.9:8443/hook")

    milestones.update_milestone(actor=staff, milestone_id=alpha.milestone.pk, title="Renamed")

    body = json.loads(Event.objects.get().body)
    assert list(body) == ["type", "timestamp", "data"]
    assert body["type"] == "milestone.updated" and body["timestamp"].endswith("Z")


def test_a_rolled_back_change_emits_nothing(transactional_db, alpha, staff, receiver):
    subscribed(alpha.organization, receiver.url)
    milestone = alpha.milestone

    with pytest.raises(IntegrityError), transaction.atomic():
        milestone.title = "Never happened"
        milestone.save(update_fields=["title"])
        assert emit(EventType.MILESTONE_UPDATED, milestone.pk) is not None
        Organization.objects.create(name=alpha.organization.name, slug="duplicate-name", kind="company", country="GB")

    assert not Event.objects.exists() and not Delivery.objects.exists()
    assert receiver.requests == []
    milestones.update_milestone(actor=staff, milestone_id=milestone.pk, title="Happened")
    assert [json.loads(r.body)["data"]["title"] for r in receiver.wait_for(1)] == ["Happened"]


def test_a_batch_of_changes_rolled_back_by_a_refusal_emits_nothing(transactional_db, alpha, staff, receiver):
    subscribed(alpha.organization, receiver.url)

    with pytest.raises(DomainError), batch():
        milestones.update_milestone(actor=staff, milestone_id=alpha.milestone.pk, title="Undone with the batch")
        reports.post_status_report(
            actor=Actor(organization=alpha.organization),
            agreement_id=alpha.agreement.pk,
            reported_on=TODAY + timedelta(days=3650),
            rag="red",
            summary="Dated in the future: refused.",
        )

    assert not Event.objects.exists() and receiver.requests == []
    alpha.milestone.refresh_from_db()
    assert alpha.milestone.title != "Undone with the batch"


def test_a_refused_change_and_a_change_of_nothing_emit_nothing(alpha, staff, django_capture_on_commit_callbacks):
    subscribed(alpha.organization, "http://127.0.0.9:8443/hook")
    partner = Actor(organization=alpha.organization)
    other = MilestoneFactory(agreement=alpha.agreement)

    with django_capture_on_commit_callbacks() as queued:
        with pytest.raises(Exception, match="responsible"):
            milestones.update_milestone_progress(actor=partner, milestone_id=other.pk, actual_quantity=1)
        milestones.update_milestone(actor=staff, milestone_id=alpha.milestone.pk, title=alpha.milestone.title)
        agreements.update_agreement(actor=staff, agreement_id=alpha.agreement.pk, title=alpha.agreement.title)

    assert queued == [] and not Event.objects.exists()


def test_only_subscribed_event_types_are_sent(alpha, staff):
    subscribed(alpha.organization, "http://127.0.0.9:8443/hook", events=["status_report.created"])

    milestones.update_milestone(actor=staff, milestone_id=alpha.milestone.pk, title="Renamed")
    reports.post_status_report(
        actor=staff, agreement_id=alpha.agreement.pk, reported_on=TODAY, rag="red", summary="Stopped."
    )

    assert list(Event.objects.values_list("type", flat=True)) == ["status_report.created"]


def test_with_nobody_listening_an_event_costs_one_query(alpha, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert emit(EventType.MILESTONE_UPDATED, alpha.milestone.pk) is None


def test_a_new_party_starts_hearing_and_a_removed_one_stops(alpha, bravo, staff):
    subscribed(bravo.organization, "http://127.0.0.9:8443/hook", events=["agreement.updated", "milestone.updated"])

    party = agreements.add_party(
        actor=staff, agreement_id=alpha.agreement.pk, organization_id=bravo.organization.pk, role=PartyRole.OBSERVER
    )
    milestones.update_milestone(actor=staff, milestone_id=alpha.milestone.pk, title="Seen by Bravo")
    agreements.remove_party(actor=staff, party_id=party.pk)
    milestones.update_milestone(actor=staff, milestone_id=alpha.milestone.pk, title="Not seen by Bravo")

    heard = [(e.type, json.loads(e.body)["data"].get("title")) for e in Event.objects.order_by("pk")]
    assert heard == [("agreement.updated", alpha.agreement.title), ("milestone.updated", "Seen by Bravo")]


def test_a_commitment_update_is_an_event_and_its_funder_hears_of_it(alpha, staff):
    commitment = CommitmentFactory(agreement=alpha.agreement, status=CommitmentStatus.PLEDGED)
    subscribed(commitment.funder, "http://127.0.0.9:8443/hook", events=["commitment.updated"])

    funding.update_commitment(actor=staff, commitment_id=commitment.pk, status=CommitmentStatus.COMMITTED)

    assert json.loads(Event.objects.get(type="commitment.updated").body)["data"]["status"] == "committed"


def test_a_milestone_falling_overdue_is_told_once_per_due_date(alpha, staff):
    subscribed(alpha.organization, "http://127.0.0.9:8443/hook", events=["milestone.overdue"])
    milestone = alpha.milestone
    milestones.update_milestone(actor=staff, milestone_id=milestone.pk, due_on=TODAY - timedelta(days=1))
    done = MilestoneFactory(agreement=alpha.agreement, responsible=alpha.organization, due_on=TODAY - timedelta(days=2))
    milestones.complete_milestone(actor=staff, milestone_id=done.pk, completed_on=TODAY - timedelta(days=3))
    MilestoneFactory(agreement=alpha.agreement, responsible=alpha.organization, due_on=TODAY - timedelta(days=30))

    assert emit_overdue_milestones(TODAY) == 1
    assert emit_overdue_milestones(TODAY) == 0
    assert emit_overdue_milestones(TODAY + timedelta(days=1)) == 0
    milestones.update_milestone(actor=staff, milestone_id=milestone.pk, due_on=TODAY + timedelta(days=2))
    assert emit_overdue_milestones(TODAY + timedelta(days=3)) == 1

    told = [json.loads(e.body)["data"] for e in Event.objects.filter(type="milestone.overdue").order_by("pk")]
    assert [(d["id"], d["due_on"]) for d in told] == [
        (milestone.pk, str(TODAY - timedelta(days=1))),
        (milestone.pk, str(TODAY + timedelta(days=2))),
    ]


def test_changing_an_agreements_capabilities_is_an_event_and_naming_the_same_ones_is_not(alpha, staff):
    subscribed(alpha.organization, "http://127.0.0.9:8443/hook", events=["agreement.updated"])
    held = list(alpha.agreement.capabilities.all())
    added = CapabilityFactory(name="Counter-battery radar")

    agreements.update_agreement(actor=staff, agreement_id=alpha.agreement.pk, capabilities=held)
    assert not Event.objects.exists()
    agreements.update_agreement(actor=staff, agreement_id=alpha.agreement.pk, capabilities=[*held, added])

    event = json.loads(Event.objects.get(type="agreement.updated").body)["data"]
    assert sorted(capability["name"] for capability in event["capabilities"]) == sorted(
        [held[0].name, "Counter-battery radar"]
    )


def test_indicator_periods_are_told_to_the_partner_responsible_as_the_api_reads_them(alpha, bravo, staff):
    """Opening, reporting, verifying, locking and unlocking a period are each an event of its agreement."""
    subscribed(alpha.organization, "http://127.0.0.9:8443/hook")
    subscribed(bravo.organization, "http://127.0.0.10:8443/hook")
    indicator = IndicatorFactory(agreement=alpha.agreement, responsible=alpha.organization)
    partner = Actor(organization=alpha.organization)

    period = indicators.open_period(
        actor=staff, indicator_id=indicator.pk, starts_on=TODAY - timedelta(days=90), ends_on=TODAY, target=100
    )
    indicators.report_actual(actor=partner, period_id=period.pk, actual=96, source="Line log 12")
    indicators.verify_period(actor=staff, period_id=period.pk)
    indicators.lock_period(actor=staff, period_id=period.pk)
    indicators.unlock_period(actor=staff, period_id=period.pk, reason="Audit found a miscount.")

    events = Event.objects.filter(type=EventType.INDICATOR_PERIOD_UPDATED).order_by("pk")
    assert [json.loads(e.body)["data"]["state"] for e in events] == [
        "open",
        "reported",
        "verified",
        "locked",
        "verified",
    ]
    assert {d.endpoint.organization_id for d in Delivery.objects.filter(event__in=events)} == {alpha.organization.pk}
    api = bearer(token(organization=alpha.organization, scope="read"))
    assert json.loads(events.last().body)["data"] == api.get(f"/api/v1/indicator-periods/{period.pk}/").json()


def test_money_changes_proposed_and_decided_are_told_as_the_api_reads_the_request(
    alpha, bravo, staff, second_staff, four_eyes
):
    subscribed(alpha.organization, "http://127.0.0.9:8443/hook")
    subscribed(bravo.organization, "http://127.0.0.10:8443/hook")

    proposal = change_requests.submit_money_change(
        actor=staff,
        target=ChangeTarget.AGREEMENT_BUDGET,
        operation=ChangeOperation.CHANGE,
        reason="Second production line added.",
        agreement_id=alpha.agreement.pk,
        changes={"budget": Decimal("3000000.00")},
    ).change_request
    change_requests.approve_change(actor=second_staff, change_request_id=proposal.pk)

    told = [json.loads(e.body) for e in Event.objects.filter(type__startswith="change_request.").order_by("pk")]
    assert [(b["type"], b["data"]["state"]) for b in told] == [
        ("change_request.created", "pending"),
        ("change_request.decided", "applied"),
    ]
    assert not Delivery.objects.filter(endpoint__organization=bravo.organization, event__type__startswith="change_")
    api = bearer(token(organization=alpha.organization, scope="read"))
    assert told[-1]["data"] == api.get(f"/api/v1/change-requests/{proposal.pk}/").json()
