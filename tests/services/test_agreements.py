"""Agreement status transitions: only the lifecycle's moves, each recorded with who, when and why."""

import datetime
from decimal import Decimal
from itertools import product

import pytest
from django.utils import timezone

from projects.actors import Actor
from projects.choices import SIGNED_STATUSES, AgreementStatus
from projects.errors import DomainError, ErrorCode
from projects.models import Agreement, AgreementParty, ExchangeRate, StatusChange
from projects.services.agreements import (
    add_party,
    create_agreement,
    remove_party,
    transition_agreement,
    update_agreement,
)
from tests.factories import (
    TODAY,
    AgreementFactory,
    CapabilityFactory,
    CommitmentFactory,
    ExchangeRateFactory,
    MilestoneFactory,
    OrganizationFactory,
    PartyFactory,
    UserFactory,
)
from tests.locks import race_on_held_row

pytestmark = pytest.mark.django_db

ALL_STATUSES = AgreementStatus.values
ALL_MOVES = list(product(ALL_STATUSES, repeat=2))
# The lifecycle as designed, written out: every other move is refused.
ALLOWED = [
    ("draft", "negotiating"),
    ("draft", "terminated"),
    ("negotiating", "signed"),
    ("negotiating", "terminated"),
    ("signed", "active"),
    ("signed", "suspended"),
    ("signed", "terminated"),
    ("active", "completed"),
    ("active", "suspended"),
    ("active", "terminated"),
    ("suspended", "signed"),
    ("suspended", "active"),
    ("suspended", "terminated"),
]
REFUSED = [move for move in ALL_MOVES if move not in ALLOWED]


def agreement_in(status: str) -> Agreement:
    return AgreementFactory(status=status, signed_on=TODAY if status in SIGNED_STATUSES else None)


def test_each_status_offers_exactly_its_designed_moves():
    offered = {status: sorted(AgreementFactory.build(status=status).allowed_transitions()) for status in ALL_STATUSES}
    assert offered == {
        "draft": ["negotiating", "terminated"],
        "negotiating": ["signed", "terminated"],
        "signed": ["active", "suspended", "terminated"],
        "active": ["completed", "suspended", "terminated"],
        "suspended": ["active", "signed", "terminated"],
        "completed": [],
        "terminated": [],
    }


@pytest.mark.parametrize(("from_status", "to_status"), ALLOWED)
def test_allowed_transition_moves_the_agreement_and_records_who_when_why(staff, staff_user, from_status, to_status):
    agreement = agreement_in(from_status)
    before = timezone.now()

    change = transition_agreement(
        actor=staff, agreement_id=agreement.pk, to_status=to_status, reason="  Board decision 12/2026.  "
    )

    agreement.refresh_from_db()
    assert agreement.status == to_status
    assert (change.from_status, change.to_status) == (from_status, to_status)
    assert change.reason == "Board decision 12/2026."
    assert change.changed_by == staff_user and change.changed_by_organization is None
    assert before <= change.changed_at <= timezone.now()
    assert list(agreement.status_changes.all()) == [change]
    latest = agreement.history.first()
    assert (latest.status, latest.history_user, latest.history_change_reason) == (
        to_status,
        staff_user,
        "Board decision 12/2026.",
    )


@pytest.mark.parametrize(("from_status", "to_status"), REFUSED)
def test_refused_transition_raises_and_changes_nothing(staff, from_status, to_status):
    agreement = agreement_in(from_status)

    with pytest.raises(DomainError) as refused:
        transition_agreement(actor=staff, agreement_id=agreement.pk, to_status=to_status, reason="Try it.")

    assert refused.value.code == ErrorCode.TRANSITION_NOT_ALLOWED and refused.value.field == "to_status"
    unchanged = Agreement.objects.get(pk=agreement.pk)
    assert (unchanged.status, unchanged.updated_at) == (from_status, agreement.updated_at)
    assert not StatusChange.objects.exists()
    assert agreement.history.count() == 1


def test_signing_records_the_signing_date_given_or_today(staff):
    given = AgreementFactory(status="negotiating", signed_on=None)
    today = AgreementFactory(status="negotiating", signed_on=None)

    transition_agreement(actor=staff, agreement_id=given.pk, to_status="signed", reason="Signed.", effective_on=TODAY)
    transition_agreement(actor=staff, agreement_id=today.pk, to_status="signed", reason="Signed.")

    assert Agreement.objects.get(pk=given.pk).signed_on == TODAY
    assert Agreement.objects.get(pk=today.pk).signed_on == timezone.localdate()


def test_resuming_a_suspended_agreement_keeps_its_signing_date(staff):
    agreement = AgreementFactory(status="suspended", signed_on=TODAY)

    transition_agreement(
        actor=staff,
        agreement_id=agreement.pk,
        to_status="signed",
        reason="Resumed.",
        effective_on=TODAY + datetime.timedelta(days=10),
    )

    assert Agreement.objects.get(pk=agreement.pk).signed_on == TODAY


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_transition_needs_a_reason(staff, reason):
    agreement = AgreementFactory()

    with pytest.raises(DomainError) as refused:
        transition_agreement(actor=staff, agreement_id=agreement.pk, to_status="negotiating", reason=reason)

    assert (refused.value.code, refused.value.field) == (ErrorCode.INVALID, "reason")
    assert Agreement.objects.get(pk=agreement.pk).status == "draft" and not StatusChange.objects.exists()
    transition_agreement(actor=staff, agreement_id=agreement.pk, to_status="negotiating", reason="Talks opened.")
    assert Agreement.objects.get(pk=agreement.pk).status == "negotiating"


def test_transition_to_an_unknown_status_is_invalid(staff):
    agreement = AgreementFactory()

    with pytest.raises(DomainError) as refused:
        transition_agreement(actor=staff, agreement_id=agreement.pk, to_status="archived", reason="Tidy up.")

    assert (refused.value.code, refused.value.field) == (ErrorCode.INVALID, "to_status")
    assert Agreement.objects.get(pk=agreement.pk).status == "draft"


def test_only_programme_managers_and_the_system_change_status(staff, partner):
    agreement = AgreementFactory()
    colleague = Actor(user=UserFactory(is_staff=False))

    for outsider in (partner, colleague):
        with pytest.raises(DomainError) as refused:
            transition_agreement(actor=outsider, agreement_id=agreement.pk, to_status="negotiating", reason="Go.")
        assert refused.value.code == ErrorCode.PERMISSION_DENIED
    assert Agreement.objects.get(pk=agreement.pk).status == "draft" and not StatusChange.objects.exists()

    transition_agreement(actor=staff, agreement_id=agreement.pk, to_status="negotiating", reason="Go.")
    change = transition_agreement(
        actor=Actor.system(), agreement_id=agreement.pk, to_status="terminated", reason="Expired."
    )
    assert change.changed_by is None and Agreement.objects.get(pk=agreement.pk).status == "terminated"


def test_transition_over_an_unseen_change_is_a_conflict(staff):
    agreement = AgreementFactory()
    seen = agreement.updated_at
    update_agreement(actor=staff, agreement_id=agreement.pk, title="Renamed meanwhile")

    with pytest.raises(DomainError) as refused:
        transition_agreement(
            actor=staff, agreement_id=agreement.pk, to_status="negotiating", reason="Go.", expected_updated_at=seen
        )

    assert refused.value.code == ErrorCode.CONFLICT
    current = Agreement.objects.get(pk=agreement.pk)
    assert current.status == "draft" and not StatusChange.objects.exists()
    transition_agreement(
        actor=staff,
        agreement_id=agreement.pk,
        to_status="negotiating",
        reason="Go.",
        expected_updated_at=current.updated_at,
    )
    assert Agreement.objects.get(pk=agreement.pk).status == "negotiating"


def test_update_over_an_unseen_change_is_a_conflict(staff):
    agreement = AgreementFactory(title="Original")
    seen = agreement.updated_at
    update_agreement(actor=staff, agreement_id=agreement.pk, title="First edit", expected_updated_at=seen)

    with pytest.raises(DomainError) as refused:
        update_agreement(actor=staff, agreement_id=agreement.pk, title="Second edit", expected_updated_at=seen)

    assert refused.value.code == ErrorCode.CONFLICT
    assert Agreement.objects.get(pk=agreement.pk).title == "First edit"


def test_status_is_not_editable_outside_transitions(staff):
    agreement = AgreementFactory()

    with pytest.raises(DomainError) as refused:
        update_agreement(actor=staff, agreement_id=agreement.pk, status="active")

    assert refused.value.code == ErrorCode.INVALID and "status" in refused.value.message
    assert Agreement.objects.get(pk=agreement.pk).status == "draft"


def test_invalid_agreement_is_refused_with_every_field_error_and_nothing_saved(staff):
    ExchangeRateFactory(currency="PLN")
    terms = {"actor": staff, "reference": "UA-PL-2026-001", "title": "Artillery shells", "kind": "co_production"}

    with pytest.raises(DomainError) as refused:
        create_agreement(
            currency="zl", budget=Decimal("-1"), starts_on=TODAY, ends_on=TODAY - datetime.timedelta(days=1), **terms
        )

    assert refused.value.code == ErrorCode.INVALID
    assert refused.value.errors == {
        "currency": ["Give the currency as its three-letter ISO 4217 code, e.g. EUR, GBP, UAH."],
        "budget": ["The budget cannot be negative."],
        "ends_on": ["The end date cannot be before the start date."],
    }
    assert not Agreement.objects.exists()
    create_agreement(currency="PLN", budget=Decimal("0"), starts_on=TODAY, ends_on=TODAY, **terms)
    assert Agreement.objects.get().reference == "UA-PL-2026-001"


def test_duplicate_reference_is_refused_as_duplicate(staff):
    ExchangeRateFactory(currency="GBP")
    AgreementFactory(reference="UA-GB-2025-007")
    terms = {"actor": staff, "title": "Copy", "kind": "training", "currency": "GBP", "budget": Decimal("1")}

    with pytest.raises(DomainError) as refused:
        create_agreement(reference="UA-GB-2025-007", **terms)

    assert (refused.value.code, refused.value.field) == (ErrorCode.DUPLICATE, "reference")
    create_agreement(reference="UA-GB-2025-008", **terms)


def test_an_organisation_holds_each_role_once(staff):
    agreement, organization = AgreementFactory(), OrganizationFactory()
    add_party(actor=staff, agreement_id=agreement.pk, organization_id=organization.pk, role="producer")

    with pytest.raises(DomainError) as refused:
        add_party(actor=staff, agreement_id=agreement.pk, organization_id=organization.pk, role="producer")

    assert refused.value.code == ErrorCode.DUPLICATE
    add_party(actor=staff, agreement_id=agreement.pk, organization_id=organization.pk, role="trainer")
    assert sorted(agreement.parties.values_list("role", flat=True)) == ["producer", "trainer"]


def test_party_with_milestones_or_funding_cannot_be_removed(staff):
    milestone = MilestoneFactory()
    commitment = CommitmentFactory(agreement=milestone.agreement)
    responsible = milestone.agreement.parties.get(organization=milestone.responsible)
    funder = milestone.agreement.parties.get(organization=commitment.funder)
    bystander = PartyFactory(agreement=milestone.agreement, role="observer")

    for party in (responsible, funder):
        with pytest.raises(DomainError) as refused:
            remove_party(actor=staff, party_id=party.pk)
        assert refused.value.code == ErrorCode.CONFLICT
    remove_party(actor=staff, party_id=bystander.pk)

    assert set(milestone.agreement.parties.all()) == {responsible, funder}


def test_a_funder_with_commitments_keeps_its_funder_role_but_may_lose_another(staff):
    commitment = CommitmentFactory()
    agreement, funder = commitment.agreement, commitment.funder
    funder_role = agreement.parties.get(organization=funder, role="funder")
    observer_role = PartyFactory(agreement=agreement, organization=funder, role="observer")

    with pytest.raises(DomainError) as refused:
        remove_party(actor=staff, party_id=funder_role.pk)

    assert refused.value.code == ErrorCode.CONFLICT
    assert "keeps the funder role" in refused.value.message
    remove_party(actor=staff, party_id=observer_role.pk)
    assert list(agreement.parties.filter(organization=funder).values_list("role", flat=True)) == ["funder"]


def test_a_role_of_an_organisation_with_another_role_goes_even_if_it_has_milestones(staff):
    milestone = MilestoneFactory()
    agreement, organization = milestone.agreement, milestone.responsible
    extra = PartyFactory(agreement=agreement, organization=organization, role="trainer")

    remove_party(actor=staff, party_id=extra.pk)

    assert not agreement.parties.filter(pk=extra.pk).exists()
    assert agreement.parties.filter(organization=organization).count() == 1


def test_only_programme_managers_remove_parties(partner):
    party = PartyFactory(role="observer")

    with pytest.raises(DomainError) as refused:
        remove_party(actor=partner, party_id=party.pk)

    assert refused.value.code == ErrorCode.PERMISSION_DENIED
    assert AgreementParty.objects.filter(pk=party.pk).exists()


@pytest.mark.postgres
def test_two_transitions_at_once_record_one_move_and_refuse_the_other(transactional_db, staff):
    """Both ask to open negotiations on a draft while another writer holds the row; the second sees the first's move."""
    agreement = AgreementFactory(status="draft")

    def move():
        transition_agreement(actor=staff, agreement_id=agreement.pk, to_status="negotiating", reason="Talks.")
        return "moved"

    outcomes = race_on_held_row(Agreement.objects.filter(pk=agreement.pk), [move, move])

    assert sorted(outcomes) == sorted(["moved", ErrorCode.TRANSITION_NOT_ALLOWED])
    assert list(StatusChange.objects.values_list("from_status", "to_status")) == [("draft", "negotiating")]
    assert Agreement.objects.get(pk=agreement.pk).status == "negotiating"


def test_every_term_of_an_agreement_can_be_edited(staff, staff_user):
    ExchangeRateFactory(currency="GBP")
    agreement = AgreementFactory(status="active", signed_on=TODAY, currency="EUR")
    terms = {
        "reference": "UA-GB-2026-042",
        "title": "Armoured vehicle repair",
        "summary": "Field repair of armoured vehicles in Lviv.",
        "kind": "maintenance",
        "signed_on": datetime.date(2026, 1, 2),
        "starts_on": datetime.date(2026, 2, 1),
        "ends_on": datetime.date(2027, 1, 31),
        "currency": "GBP",
        "budget": Decimal("1250000.00"),
        "programme_manager": staff_user,
    }

    update_agreement(actor=staff, agreement_id=agreement.pk, **terms)

    edited = Agreement.objects.get(pk=agreement.pk)
    assert {name: getattr(edited, name) for name in terms} == terms


def test_an_agreement_is_created_with_its_capabilities_and_nothing_but_its_terms(staff):
    drones, radar = CapabilityFactory(name="Strike drones"), CapabilityFactory(name="Radar")
    terms = {"reference": "UA-XX-2026-001", "title": "Drones", "kind": "co_production", "currency": "EUR"}

    with pytest.raises(DomainError) as refused:
        create_agreement(actor=staff, budget=Decimal("10"), status="active", **terms)
    agreement = create_agreement(actor=staff, budget=Decimal("10"), capabilities=[drones, radar], **terms)

    assert refused.value.code == ErrorCode.INVALID and "status" in refused.value.message
    assert sorted(agreement.capabilities.values_list("name", flat=True)) == ["Radar", "Strike drones"]
    assert Agreement.objects.get().status == "draft"


def test_capabilities_change_and_move_the_timestamp_only_when_they_differ(staff):
    drones, radar = CapabilityFactory(name="Strike drones"), CapabilityFactory(name="Radar")
    agreement = AgreementFactory()
    agreement.capabilities.set([drones])
    before = Agreement.objects.get(pk=agreement.pk).updated_at

    update_agreement(actor=staff, agreement_id=agreement.pk, capabilities=[drones])
    unchanged = Agreement.objects.get(pk=agreement.pk).updated_at
    update_agreement(actor=staff, agreement_id=agreement.pk, capabilities=[radar])

    assert unchanged == before
    assert Agreement.objects.get(pk=agreement.pk).updated_at > before
    assert list(agreement.capabilities.values_list("name", flat=True)) == ["Radar"]


def test_a_rate_given_with_an_agreement_in_a_currency_without_one_is_recorded(staff):
    agreement = AgreementFactory(currency="PLN")  # its rate was deleted

    update_agreement(actor=staff, agreement_id=agreement.pk, exchange_rate=Decimal("0.23"))

    assert list(ExchangeRate.objects.values_list("currency", "rate", "valid_on")) == [
        ("PLN", Decimal("0.23"), timezone.localdate())
    ]


@pytest.mark.postgres
def test_two_edits_of_the_version_both_read_keep_the_first_and_refuse_the_second(transactional_db, staff):
    agreement = AgreementFactory(title="Original")
    seen = agreement.updated_at

    def rename(title):
        return lambda: (
            update_agreement(actor=staff, agreement_id=agreement.pk, expected_updated_at=seen, title=title).title
        )

    outcomes = race_on_held_row(Agreement.objects.filter(pk=agreement.pk), [rename("First"), rename("Second")])

    assert ErrorCode.CONFLICT in outcomes and len(outcomes) == 2
    assert Agreement.objects.get(pk=agreement.pk).title == next(o for o in outcomes if o != ErrorCode.CONFLICT)


@pytest.mark.parametrize(
    ("status", "allowed"),
    [("draft", "allowed: negotiating, terminated."), ("completed", "allowed: none (it is final).")],
)
def test_a_refused_move_says_which_moves_are_allowed(staff, status, allowed):
    agreement = agreement_in(status)

    with pytest.raises(DomainError) as refused:
        transition_agreement(actor=staff, agreement_id=agreement.pk, to_status="active", reason="Skip ahead.")

    assert refused.value.message == f"An agreement cannot move from {status} to active; {allowed}"


def test_only_signing_records_a_signing_date(staff):
    agreement = AgreementFactory(status="draft", signed_on=None)

    transition_agreement(actor=staff, agreement_id=agreement.pk, to_status="negotiating", reason="Talks.")

    assert Agreement.objects.get(pk=agreement.pk).signed_on is None


def test_a_funder_without_commitments_may_lose_the_funder_role_it_holds_beside_another(staff):
    agreement, organization = AgreementFactory(), OrganizationFactory()
    funder_role = PartyFactory(agreement=agreement, organization=organization, role="funder")
    PartyFactory(agreement=agreement, organization=organization, role="observer")
    another_funder = CommitmentFactory(agreement=agreement).funder

    remove_party(actor=staff, party_id=funder_role.pk)

    assert set(agreement.parties.values_list("organization", "role")) == {
        (organization.pk, "observer"),
        (another_funder.pk, "funder"),
    }


def test_partner_cannot_create_or_edit_agreements(partner):
    agreement = AgreementFactory(title="Original")

    for write in (
        lambda: create_agreement(
            actor=partner, reference="X-1", title="Mine", kind="training", currency="EUR", budget=Decimal("1")
        ),
        lambda: update_agreement(actor=partner, agreement_id=agreement.pk, title="Mine"),
        lambda: add_party(
            actor=partner, agreement_id=agreement.pk, organization_id=partner.organization.pk, role="lead"
        ),
    ):
        with pytest.raises(DomainError) as refused:
            write()
        assert refused.value.code == ErrorCode.PERMISSION_DENIED

    assert list(Agreement.objects.values_list("title", flat=True)) == ["Original"]
    assert not agreement.parties.exists()


def test_signed_agreement_keeps_its_signing_date(staff):
    agreement = AgreementFactory(status="active", signed_on=TODAY)

    with pytest.raises(DomainError) as refused:
        update_agreement(actor=staff, agreement_id=agreement.pk, signed_on=None)

    assert refused.value.code == ErrorCode.INVALID
    assert Agreement.objects.get(pk=agreement.pk).signed_on == TODAY
    update_agreement(actor=staff, agreement_id=agreement.pk, signed_on=TODAY - datetime.timedelta(days=3))
    assert Agreement.objects.get(pk=agreement.pk).signed_on == TODAY - datetime.timedelta(days=3)


def test_party_changes_move_the_agreements_timestamp_for_etags_and_incremental_sync(staff):
    AgreementFactory()  # another agreement, whose timestamp stays
    agreement = AgreementFactory()
    organization = OrganizationFactory()
    before = Agreement.objects.get(pk=agreement.pk).updated_at

    party = add_party(actor=staff, agreement_id=agreement.pk, organization_id=organization.pk, role="observer")
    added = Agreement.objects.get(pk=agreement.pk).updated_at
    remove_party(actor=staff, party_id=party.pk)
    removed = Agreement.objects.get(pk=agreement.pk).updated_at

    assert before < added < removed
    assert Agreement.objects.filter(updated_at__gt=before).get() == agreement
    assert agreement.history.count() == 1  # a moved timestamp alone is not a change of the agreement
