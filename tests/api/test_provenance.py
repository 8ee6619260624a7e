"""Money read through the API says where it comes from: its source, who reported it, and who verified it."""

from django.urls import reverse

from projects.actors import Actor
from projects.services.funding import verify_disbursement
from tests.api.conftest import bearer
from tests.factories import TODAY


def test_a_partners_disbursement_names_its_source_reporter_and_then_its_verifier(alpha, token_for, staff_user):
    partner = bearer(token_for(organization=alpha.organization))
    posted = partner.post(
        reverse("api-disbursements"),
        {
            "commitment": alpha.commitment.pk,
            "amount": "1000.00",
            "disbursed_on": TODAY.isoformat(),
            "reference": "ALPHA-PAY-7",
            "source": "Bank statement 2026/11",
        },
        format="json",
    )
    assert posted.status_code == 201, posted.json()
    reported = posted.json()
    assert reported["source"] == "Bank statement 2026/11"
    assert reported["reported_by"] is None
    assert reported["reported_by_organization"]["slug"] == alpha.organization.slug
    assert (reported["verified_by"], reported["verified_at"]) == (None, None)

    verify_disbursement(actor=Actor(user=staff_user), disbursement_id=reported["id"])

    verified = partner.get(reverse("api-disbursement", args=[reported["id"]])).json()
    assert verified["verified_by"] == staff_user.username and verified["verified_at"]
    listed = partner.get(reverse("api-disbursements"), {"page_size": 100}).json()["results"]
    assert next(row for row in listed if row["id"] == reported["id"]) == verified


def test_a_commitment_a_programme_manager_records_names_them_as_its_reporter(alpha, token_for, staff_user):
    staff = bearer(token_for(user=staff_user))
    posted = staff.post(
        reverse("api-commitments"),
        {
            "agreement": alpha.agreement.pk,
            "funder": alpha.organization.pk,
            "amount": "5000.00",
            "currency": "EUR",
            "status": "pledged",
            "pledged_on": TODAY.isoformat(),
            "reference": "ALPHA-PLEDGE-2",
        },
        format="json",
    )
    assert posted.status_code == 201, posted.json()
    assert posted.json()["reported_by"] == staff_user.username
    assert posted.json()["reported_by_organization"] is None
