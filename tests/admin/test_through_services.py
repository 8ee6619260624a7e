"""The admin obeys the services: every add, change and delete goes through them, a page is saved whole or
not at all, and what a service refuses the admin refuses too (one row or many)."""

import datetime
from decimal import Decimal

import pytest
from django.contrib import admin
from django.urls import reverse

from projects.choices import PartyRole
from projects.models import (
    Agreement,
    AgreementParty,
    Capability,
    CountryEconomy,
    Disbursement,
    ExchangeRate,
    FundingCommitment,
    Indicator,
    IndicatorPeriod,
    Milestone,
    Organization,
    StatusChange,
    StatusReport,
    Tranche,
)
from projects.notifications.models import Contact, Recipient, ReminderRule
from projects.service_admin import ServiceAdmin
from tests.admin.pages import posted_as_shown
from tests.factories import (
    AgreementFactory,
    CapabilityFactory,
    CommitmentFactory,
    DisbursementFactory,
    ExchangeRateFactory,
    MilestoneFactory,
    OrganizationFactory,
    PartyFactory,
    UserFactory,
)

WRITTEN_THROUGH_SERVICES = [
    Organization,
    Capability,
    Agreement,
    AgreementParty,
    FundingCommitment,
    Disbursement,
    Milestone,
    StatusReport,
    ExchangeRate,
    CountryEconomy,
    Contact,
    Recipient,
    ReminderRule,
    Indicator,
    IndicatorPeriod,
    Tranche,
]


@pytest.fixture
def root(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, root):
    client.force_login(root)
    return client


def url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def delete_selected(client, model, *rows):
    return client.post(
        url(model, "changelist"),
        {"action": "delete_selected", "_selected_action": [row.pk for row in rows], "post": "yes"},
        follow=True,
    )


@pytest.mark.parametrize("model", WRITTEN_THROUGH_SERVICES, ids=lambda m: m.__name__)
def test_every_domain_admin_writes_through_the_services(model):
    assert isinstance(admin.site._registry[model], ServiceAdmin)


def test_status_changes_are_read_only_in_the_admin(admin_client):
    status_admin = admin.site._registry[StatusChange]
    request = admin_client.get(url(StatusChange, "changelist")).wsgi_request
    assert not status_admin.has_add_permission(request)
    assert not status_admin.has_change_permission(request)
    assert not status_admin.has_delete_permission(request)


def funded_agreement():
    """An agreement whose funder also sponsors it, and a producer responsible for a milestone."""
    commitment = CommitmentFactory(agreement=AgreementFactory(reference="UA-GB-2026-001"))
    funder, agreement = commitment.funder, commitment.agreement
    PartyFactory(agreement=agreement, organization=funder, role=PartyRole.SPONSOR)
    milestone = MilestoneFactory(agreement=agreement)
    funder_role = AgreementParty.objects.get(agreement=agreement, organization=funder, role=PartyRole.FUNDER)
    producer_role = AgreementParty.objects.get(agreement=agreement, organization=milestone.responsible)
    return agreement, funder_role, producer_role


def roles(agreement) -> set:
    return set(agreement.parties.values_list("organization__slug", "role"))


def test_admin_cannot_remove_a_funders_funder_role_in_any_way(admin_client):
    agreement, funder_role, _ = funded_agreement()
    before = roles(agreement)
    refusal = "has funding commitments; it keeps the funder role."

    single = admin_client.post(url(AgreementParty, "delete", funder_role.pk), {"post": "yes"}, follow=True)
    bulk = delete_selected(admin_client, AgreementParty, funder_role)
    page = admin_client.get(url(Agreement, "change", agreement.pk))
    inline_row = next(
        form.prefix for form in page.context["inline_admin_formsets"][0].formset.forms if form.instance == funder_role
    )
    inline = admin_client.post(
        url(Agreement, "change", agreement.pk), posted_as_shown(page, **{f"{inline_row}-DELETE": "on"})
    )

    assert refusal in single.content.decode()
    assert refusal in bulk.content.decode()
    assert inline.status_code == 200 and refusal in inline.content.decode()
    assert roles(agreement) == before


def test_admin_cannot_repoint_a_party_away_from_its_own_milestones(admin_client):
    agreement, _, producer_role = funded_agreement()
    newcomer = OrganizationFactory(slug="newcomer")
    before = roles(agreement)

    direct = admin_client.post(
        url(AgreementParty, "change", producer_role.pk),
        {"agreement": agreement.pk, "organization": newcomer.pk, "role": PartyRole.PRODUCER},
    )
    page = admin_client.get(url(Agreement, "change", agreement.pk))
    row = next(f.prefix for f in page.context["inline_admin_formsets"][0].formset.forms if f.instance == producer_role)
    inline = admin_client.post(
        url(Agreement, "change", agreement.pk), posted_as_shown(page, **{f"{row}-organization": newcomer.pk})
    )

    assert direct.status_code == 403
    assert inline.status_code == 302
    assert roles(agreement) == before


def test_a_role_is_replaced_by_adding_the_new_one_and_removing_the_old(admin_client, root):
    agreement, _, producer_role = funded_agreement()
    producer = producer_role.organization
    page = admin_client.get(url(Agreement, "change", agreement.pk))
    formset = page.context["inline_admin_formsets"][0].formset
    row = next(f.prefix for f in formset.forms if f.instance == producer_role)
    new_row = formset.forms[-1].prefix

    response = admin_client.post(
        url(Agreement, "change", agreement.pk),
        posted_as_shown(
            page,
            **{f"{row}-DELETE": "on", f"{new_row}-organization": producer.pk, f"{new_row}-role": PartyRole.TRAINER},
        ),
    )

    assert response.status_code == 302
    assert set(agreement.parties.filter(organization=producer).values_list("role", flat=True)) == {"trainer"}
    recorded = AgreementParty.history.filter(organization=producer, history_user=root)
    assert {(h.role, h.history_type) for h in recorded} == {("trainer", "+"), ("producer", "-")}


def test_bulk_delete_refuses_what_the_service_refuses_deletes_nothing_and_names_each_refusal(admin_client):
    agreement, funder_role, producer_role = funded_agreement()
    observer_role = PartyFactory(agreement=agreement, role=PartyRole.OBSERVER)

    refused = delete_selected(admin_client, AgreementParty, observer_role, funder_role, producer_role)

    content = refused.content.decode()
    assert "Nothing was deleted." in content
    assert f"{funder_role}: {funder_role.organization} has funding commitments; it keeps the funder role." in content
    assert f"{producer_role.organization} is responsible for milestones of this agreement" in content
    assert "Successfully deleted" not in content
    assert AgreementParty.objects.filter(pk=observer_role.pk).exists()

    accepted = delete_selected(admin_client, AgreementParty, observer_role)
    assert "Successfully deleted 1 agreement party." in accepted.content.decode()
    assert not AgreementParty.objects.filter(pk=observer_role.pk).exists()


def test_an_admin_form_and_its_inlines_are_saved_completely_or_not_at_all(admin_client):
    agreement, funder_role, _ = funded_agreement()
    page = admin_client.get(url(Agreement, "change", agreement.pk))
    row = next(f.prefix for f in page.context["inline_admin_formsets"][0].formset.forms if f.instance == funder_role)

    response = admin_client.post(
        url(Agreement, "change", agreement.pk),
        posted_as_shown(page, title="Renamed with the funder removed", **{f"{row}-DELETE": "on"}),
    )

    agreement.refresh_from_db()
    assert response.status_code == 200
    assert "it keeps the funder role" in response.content.decode()
    assert 'value="Renamed with the funder removed"' in response.content.decode()
    assert agreement.title != "Renamed with the funder removed"
    assert agreement.history.count() == 1


def test_a_refused_admin_form_shows_the_refusal_beside_its_field_and_keeps_the_input(admin_client):
    commitment = CommitmentFactory(amount=Decimal("100.00"))
    DisbursementFactory(commitment=commitment, amount=Decimal("60.00"))
    page = admin_client.get(url(FundingCommitment, "change", commitment.pk))

    response = admin_client.post(
        url(FundingCommitment, "change", commitment.pk), posted_as_shown(page, amount="50.00", reference="C-NEW")
    )

    form = response.context["adminform"].form
    assert form.errors == {"amount": ["The amount cannot fall below what has been disbursed."]}
    assert 'value="C-NEW"' in response.content.decode()
    commitment.refresh_from_db()
    assert (commitment.amount, commitment.reference) != (Decimal("50.00"), "C-NEW")


def test_changing_an_exchange_rate_in_the_admin_changes_that_rate_only(admin_client):
    rate = ExchangeRateFactory(currency="GBP", rate=Decimal("1.17"), valid_on=datetime.date(2026, 1, 1))
    page = admin_client.get(url(ExchangeRate, "change", rate.pk))

    admin_client.post(
        url(ExchangeRate, "change", rate.pk), posted_as_shown(page, rate="1.18", currency="USD", valid_on="2026-02-01")
    )

    assert list(ExchangeRate.objects.values_list("currency", "rate", "valid_on")) == [
        ("GBP", Decimal("1.18000000"), datetime.date(2026, 1, 1))
    ]


# Each model's add, change and delete in the admin, every one recorded in history as the signed-in user.
RECORDS = {
    Organization: (
        lambda: {},
        {"name": "Danish MoD", "slug": "mod-dk", "kind": "ministry", "country": "DK"},
        {"country": "NO"},
    ),
    Capability: (lambda: {}, {"name": "Air defence", "slug": "air-defence"}, {"name": "Air and missile defence"}),
    AgreementParty: (
        lambda: {"agreement": AgreementFactory().pk, "organization": OrganizationFactory().pk},
        {"role": "observer"},
        None,
    ),
    FundingCommitment: (
        lambda: {"agreement": AgreementFactory().pk, "funder": OrganizationFactory().pk},
        {"amount": "2500000.00", "currency": "EUR", "status": "pledged", "pledged_on": "2026-01-10", "reference": "P"},
        {"amount": "3000000.00"},
    ),
    Disbursement: (
        lambda: {"commitment": CommitmentFactory().pk},
        {"amount": "10.00", "disbursed_on": "2026-01-20", "reference": "T1"},
        None,
    ),
    ExchangeRate: (lambda: {}, {"currency": "PLN", "rate": "0.23", "valid_on": "2026-01-02"}, {"rate": "0.24"}),
    Milestone: (
        lambda: {"agreement": (party := PartyFactory()).agreement_id, "responsible": party.organization_id},
        {"title": "Line commissioned", "due_on": "2026-06-30", "status": "planned"},
        {"title": "Line commissioned and certified"},
    ),
    StatusReport: (
        lambda: {"agreement": AgreementFactory().pk},
        {"reported_on": "2026-01-12", "rag": "amber", "summary": "Parts late."},
        None,
    ),
}


@pytest.mark.parametrize("model", list(RECORDS), ids=lambda m: m.__name__)
def test_admin_add_change_and_delete_are_recorded_as_the_signed_in_user(admin_client, root, model):
    related, values, changes = RECORDS[model]
    page = admin_client.get(url(model, "add"))
    added = admin_client.post(url(model, "add"), posted_as_shown(page, **related(), **values))
    assert added.status_code == 302, added.context["adminform"].form.errors
    record = model.objects.latest("pk")
    if changes is not None:
        page = admin_client.get(url(model, "change", record.pk))
        changed = admin_client.post(url(model, "change", record.pk), posted_as_shown(page, **changes))
        assert changed.status_code == 302, changed.context["adminform"].form.errors
    deleted = admin_client.post(url(model, "delete", record.pk), {"post": "yes"})

    assert deleted.status_code == 302 and not model.objects.filter(pk=record.pk).exists()
    history = model.history.filter(**{model._meta.pk.attname: record.pk}).order_by("history_id")
    expected = ["+", "~", "-"] if changes is not None else ["+", "-"]
    assert [(h.history_type, h.history_user) for h in history] == [(kind, root) for kind in expected]


def test_agreement_added_in_the_admin_with_capabilities_and_parties_goes_through_the_services(admin_client, root):
    ExchangeRateFactory(currency="DKK")
    drones, producer = CapabilityFactory(slug="drones"), OrganizationFactory(slug="producer")
    page = admin_client.get(url(Agreement, "add"))
    new_row = page.context["inline_admin_formsets"][0].formset.forms[-1].prefix

    response = admin_client.post(
        url(Agreement, "add"),
        posted_as_shown(
            page,
            reference="UA-DK-2026-002",
            title="Artillery barrels",
            kind="co_production",
            currency="DKK",
            budget="5000000.00",
            capabilities=[drones.pk],
            **{f"{new_row}-organization": producer.pk, f"{new_row}-role": PartyRole.PRODUCER},
        ),
    )

    agreement = Agreement.objects.get(reference="UA-DK-2026-002")
    assert response.status_code == 302
    assert list(agreement.capabilities.all()) == [drones] and roles(agreement) == {("producer", "producer")}
    assert {h.history_user for h in agreement.history.all()} == {root}
    assert delete_selected(admin_client, Agreement, agreement).status_code == 200
    assert not Agreement.objects.filter(pk=agreement.pk).exists()
