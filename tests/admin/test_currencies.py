"""The admin records money through the same services, so it refuses a currency without a rate too."""

from django.urls import reverse

from projects.models import FundingCommitment
from tests.factories import AgreementFactory, OrganizationFactory


def test_admin_commitment_in_a_currency_without_a_rate_is_refused_beside_the_currency(admin_client):
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

    assert response.status_code == 200 and not FundingCommitment.objects.exists()
    assert response.context["adminform"].form.errors == {
        "currency": [
            "There is no exchange rate from NOK to EUR: add one under Exchange rates, "
            "or give today's rate with the commitment."
        ]
    }
