"""The admin records money through the same services, so it refuses a currency without a rate too."""

from django.contrib.messages import get_messages
from django.urls import reverse

from projects.models import FundingCommitment
from tests.factories import AgreementFactory, OrganizationFactory


def test_admin_commitment_in_a_currency_without_a_rate_is_refused_with_the_reason(admin_client):
    agreement, funder = AgreementFactory(), OrganizationFactory(country="NO")
    response = admin_client.post(
        reverse("admin:projects_fundingcommitment_add"),
        {
            "agreement": agreement.pk,
            "funder": funder.pk,
            "amount": "1000000.00",
            "currency": "NOK",
            "status": "pledged",
            "pledged_on": "2026-01-10",
        },
    )

    assert not FundingCommitment.objects.exists()
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "There is no exchange rate from NOK to EUR: add one under Exchange rates, "
        "or give today's rate with the commitment."
    ]
