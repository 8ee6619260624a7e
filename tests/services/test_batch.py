"""Several services in one transaction: all or nothing, each call with its own actor and checks, and the
`on_commit` hooks once, after the whole batch."""

import pytest
from django.db import transaction

from projects.actors import Actor
from projects.errors import DomainError, ErrorCode
from projects.models import Agreement, Capability, Organization, StatusReport
from projects.services.agreements import create_agreement
from projects.services.organizations import create_capability, create_organization
from projects.services.reports import post_status_report
from projects.services.service import batch, service
from tests.factories import ExchangeRateFactory, PartyFactory

FIRED: list[str] = []


@service
def note_on_commit(*, actor: Actor, name: str, refuse: bool = False) -> None:
    """A service whose only effect is an `on_commit` hook, then optionally a refusal."""
    transaction.on_commit(lambda: FIRED.append(name))
    if refuse:
        raise DomainError(ErrorCode.INVALID, f"{name} refused.")


def test_a_refusal_leaving_the_batch_undoes_every_call_in_it(staff, partner):
    with pytest.raises(DomainError) as refused, batch():
        create_organization(actor=staff, name="Danish MoD", slug="mod-dk", kind="ministry", country="DK")
        create_capability(actor=staff, name="Air defence", slug="air-defence")
        create_capability(actor=partner, name="Electronic warfare", slug="ew")

    assert refused.value.code == ErrorCode.PERMISSION_DENIED
    assert not Organization.objects.filter(slug="mod-dk").exists() and not Capability.objects.exists()


def test_a_refusal_caught_inside_the_batch_undoes_that_call_alone(staff):
    with batch():
        create_capability(actor=staff, name="Air defence", slug="air-defence")
        with pytest.raises(DomainError) as duplicate:
            create_capability(actor=staff, name="Air defence", slug="air-defence-2")
        create_capability(actor=staff, name="Artillery", slug="artillery")

    assert duplicate.value.code == ErrorCode.DUPLICATE
    assert sorted(Capability.objects.values_list("slug", flat=True)) == ["air-defence", "artillery"]


def test_each_call_in_a_batch_is_recorded_as_its_own_actor(staff, staff_user, partner, partner_org):
    ExchangeRateFactory(currency="PLN")
    agreement = PartyFactory(organization=partner_org).agreement

    with batch():
        created = create_agreement(
            actor=staff, reference="UA-PL-2026-001", title="Shells", kind="co_production", currency="PLN", budget=1
        )
        report = post_status_report(
            actor=partner, agreement_id=agreement.pk, reported_on=agreement.starts_on, rag="green", summary="On track."
        )

    assert [(h.history_user, h.history_organization_id) for h in created.history.all()] == [(staff_user, None)]
    assert [(h.history_user, h.history_organization_id) for h in report.history.all()] == [(None, partner_org.pk)]
    assert Agreement.objects.count() == 2 and StatusReport.objects.get().author_organization == partner_org


@pytest.mark.django_db(transaction=True)
def test_on_commit_hooks_fire_once_after_the_whole_batch_and_none_for_refused_calls(staff):
    FIRED.clear()
    with batch():
        note_on_commit(actor=staff, name="first")
        with pytest.raises(DomainError):
            note_on_commit(actor=staff, name="refused", refuse=True)
        note_on_commit(actor=staff, name="second")
        assert FIRED == []
    assert FIRED == ["first", "second"]

    with pytest.raises(DomainError), batch():
        note_on_commit(actor=staff, name="undone")
        note_on_commit(actor=staff, name="refused", refuse=True)
    assert FIRED == ["first", "second"]


def test_outside_a_batch_a_service_still_refuses_to_run_inside_another_transaction(staff):
    with pytest.raises(RuntimeError), transaction.atomic():
        create_capability(actor=staff, name="Air defence", slug="air-defence")
