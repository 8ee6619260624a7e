"""Exchange rates in the UI: kept by programme managers with history, and required by the forms and the import."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import Agreement, ExchangeRate, FundingCommitment
from tests.factories import AgreementFactory, CommitmentFactory, ExchangeRateFactory, OrganizationFactory
from tests.web.test_imports import upload

AGREEMENT = {
    "reference": "UA-PL-2026-001",
    "title": "Ammunition line",
    "kind": "co_production",
    "currency": "pln",
    "budget": "2500000.00",
}


def test_agreement_form_refuses_a_currency_without_a_rate_beside_the_field_then_takes_one(manager_client):
    refused = manager_client.post(reverse("agreement-create"), AGREEMENT)

    assert refused.status_code == 200 and not Agreement.objects.exists()
    assert refused.context["form"].errors["currency"] == [
        "There is no exchange rate from PLN to EUR: add one under Exchange rates, "
        "or give today's rate with the agreement."
    ]
    assert 'name="exchange_rate"' in refused.content.decode()

    manager_client.post(reverse("agreement-create"), {**AGREEMENT, "exchange_rate": "0.2315"})

    assert Agreement.objects.get().currency == "PLN"
    assert ExchangeRate.objects.get(currency="PLN").rate == Decimal("0.2315")


def test_commitment_form_refuses_a_currency_without_a_rate(manager_client):
    agreement, funder = AgreementFactory(), OrganizationFactory(country="NO")
    data = {
        "funder": funder.pk,
        "amount": "1000000.00",
        "currency": "nok",
        "status": "pledged",
        "pledged_on": "2026-01-10",
    }
    url = reverse("commitment-create", args=[agreement.pk])

    refused = manager_client.post(url, data)

    assert "There is no exchange rate from NOK to EUR" in refused.context["form"].errors["currency"][0]
    assert not FundingCommitment.objects.exists()
    manager_client.post(url, {**data, "exchange_rate": "0.085"})
    assert FundingCommitment.objects.get().currency == "NOK"


def test_import_names_the_row_whose_currency_has_no_rate_and_imports_nothing(manager_client):
    content = (
        "reference,title,kind,currency,budget\n"
        "UA-PL-2026-001,Ammunition line,co_production,EUR,2500000.00\n"
        "UA-PL-2026-002,Shell casings,procurement,PLN,800000.00\n"
    )
    preview = upload(manager_client, "agreements", "agreements.csv", content.encode())

    rows = preview.context["rows"]
    assert [row.outcome for row in rows] == ["new", "error"]
    assert "There is no exchange rate from PLN to EUR" in " ".join(rows[1].errors)
    assert not Agreement.objects.exists()


def test_import_of_a_commitment_in_a_currency_without_a_rate_is_refused(manager_client):
    AgreementFactory(reference="UA-DK-2025-012")
    OrganizationFactory(slug="mod-dk", country="DK")
    content = (
        "agreement,funder,amount,currency,status,pledged_on,reference\n"
        "UA-DK-2025-012,mod-dk,180000000.00,DKK,committed,2026-01-10,DK-UAS-01\n"
    )
    preview = upload(manager_client, "commitments", "commitments.csv", content.encode())

    assert "There is no exchange rate from DKK to EUR" in " ".join(preview.context["rows"][0].errors)
    assert not FundingCommitment.objects.exists()


def test_rates_page_shows_each_currencys_rate_today_and_the_currencies_in_use_without_one(viewer_client):
    today = timezone.localdate()
    ExchangeRateFactory(currency="GBP", rate=Decimal("1.15"), valid_on=today - datetime.timedelta(days=9))
    ExchangeRateFactory(currency="GBP", rate=Decimal("1.17"), valid_on=today - datetime.timedelta(days=2))
    ExchangeRateFactory(currency="USD", rate=Decimal("0.92"), valid_on=today + datetime.timedelta(days=5))
    CommitmentFactory(agreement=AgreementFactory(currency="GBP"), currency="PLN")

    response = viewer_client.get(reverse("exchange-rates"))

    rates = {c.currency: (c.rate, c.agreements, c.commitments) for c in response.context["currencies"]}
    assert rates == {
        "EUR": (Decimal("1"), 0, 0),
        "GBP": (Decimal("1.17"), 1, 0),
        "PLN": (None, 0, 1),
        "USD": (None, 0, 0),
    }
    assert [c.currency for c in response.context["missing"]] == ["PLN"]
    html = response.content.decode()
    assert "PLN (0 agreements, 1 commitment)" in html
    assert reverse("exchange-rate-create") not in html  # viewers read only
    assert viewer_client.get(reverse("exchange-rate-create")).status_code == 403


def test_a_manager_adds_and_corrects_rates_and_the_page_says_who_changed_what(manager_client, staff_user):
    added = manager_client.post(
        reverse("exchange-rate-create"),
        {"currency": "pln", "rate": "0.2300", "valid_on": "2026-11-02"},
        follow=True,
    )
    assert added.redirect_chain[-1][0] == reverse("exchange-rates")
    assert "PLN is worth 0.23 EUR from 2 Nov 2026." in added.content.decode()
    rate = ExchangeRate.objects.get()
    edit = reverse("exchange-rate-edit", args=[rate.pk])
    stale = rate.updated_at.isoformat()

    manager_client.post(edit, {"rate": "0.2315", "valid_on": "2026-11-02", "expected_updated_at": stale})
    refused = manager_client.post(edit, {"rate": "0.99", "valid_on": "2026-11-02", "expected_updated_at": stale})

    assert "changed by someone else meanwhile" in refused.content.decode()
    assert ExchangeRate.objects.get().rate == Decimal("0.2315")
    changes = manager_client.get(reverse("exchange-rates")).context["changes"]
    assert [(c.who, c.action, c.currency, c.previous_rate, c.rate) for c in changes] == [
        (staff_user.username, "changed", "PLN", Decimal("0.23"), Decimal("0.2315")),
        (staff_user.username, "added", "PLN", None, Decimal("0.23")),
    ]


RATES_PAGE_QUERIES = (
    10  # session, user and pending approvals, then rates, currencies in use, recorded rates and their history
)


@pytest.mark.parametrize("currencies", [1, 6])
def test_rates_page_queries_are_constant(manager_client, django_assert_num_queries, currencies, staff):
    for n in range(currencies):
        code = f"X{chr(65 + n)}Z"
        ExchangeRateFactory(currency=code, valid_on=timezone.localdate() - datetime.timedelta(days=n))
        CommitmentFactory(agreement=AgreementFactory(currency=code), currency=code)

    with django_assert_num_queries(RATES_PAGE_QUERIES):
        assert manager_client.get(reverse("exchange-rates")).status_code == 200
