"""Two partners, every endpoint and method: each partner's token against the other's records.

Objects of the other partner are 404 on every method (never 403, which would confirm they exist),
lists and counts show none of them, and nothing in the database changes.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.urls import reverse

from projects.api import urls as api_urls
from projects.models import (
    Agreement,
    AgreementParty,
    Capability,
    Disbursement,
    FundingCommitment,
    Milestone,
    Organization,
    StatusReport,
)
from tests.api.conftest import PartnerWorld, bearer

ROUTES_WITHOUT_RECORDS = {"api-schema", "api-docs", "api-unknown"}


def database_snapshot() -> dict[str, list[dict]]:
    models = [
        Organization,
        Capability,
        Agreement,
        Agreement.capabilities.through,
        AgreementParty,
        FundingCommitment,
        Disbursement,
        Milestone,
        StatusReport,
    ]
    return {model._meta.label: list(model.objects.order_by("pk").values()) for model in models}


def object_requests(other: PartnerWorld) -> list[tuple[str, str, dict, dict | None]]:
    """(route, method, url kwargs, body) for every operation on one of `other`'s records."""
    agreement = {"pk": other.agreement.pk}
    report = {"agreement": other.agreement.pk, "reported_on": "2026-01-20", "rag": "red", "summary": "Hijacked."}
    return [
        ("api-agreement", "get", agreement, None),
        ("api-agreement", "patch", agreement, {"title": "Hijacked"}),
        ("api-agreement", "delete", agreement, None),
        ("api-agreement-transition", "post", agreement, {"to_status": "terminated", "reason": "Hijacked."}),
        ("api-agreement-funding-summary", "get", agreement, None),
        ("api-agreement-history", "get", agreement, None),
        ("api-agreement-parties", "post", agreement, {"organization": other.organization.pk, "role": "observer"}),
        ("api-agreement-party", "delete", {"pk": other.agreement.pk, "party_pk": other.party.pk}, None),
        ("api-commitment", "get", {"pk": other.commitment.pk}, None),
        ("api-commitment", "patch", {"pk": other.commitment.pk}, {"status": "cancelled"}),
        ("api-commitment", "delete", {"pk": other.commitment.pk}, None),
        ("api-disbursement", "get", {"pk": other.disbursement.pk}, None),
        ("api-disbursement", "delete", {"pk": other.disbursement.pk}, None),
        ("api-milestone", "get", {"pk": other.milestone.pk}, None),
        ("api-milestone", "patch", {"pk": other.milestone.pk}, {"status": "done", "actual_quantity": 100}),
        ("api-milestone", "delete", {"pk": other.milestone.pk}, None),
        ("api-status-report", "get", {"pk": other.report.pk}, None),
        ("api-status-report", "delete", {"pk": other.report.pk}, None),
        ("api-organization", "get", {"pk": other.organization.pk}, None),
        ("api-organization", "patch", {"pk": other.organization.pk}, {"name": "Hijacked"}),
        ("api-organization", "delete", {"pk": other.organization.pk}, None),
        # Creates that name one of the other's records are refused exactly as if it did not exist.
        (
            "api-disbursements",
            "post",
            {},
            {"commitment": other.commitment.pk, "amount": "1.00", "disbursed_on": "2026-01-20", "reference": "HIJACK"},
        ),
        ("api-status-reports", "post", {}, report),
    ]


# Collection routes a partner may read but whose creates are for programme managers only: refused
# with 403 before the body is looked at, so the answer is the same whatever ids it names.
STAFF_ONLY_CREATES = ["api-organizations", "api-capabilities", "api-agreements", "api-commitments", "api-milestones"]
LISTS = {
    "api-agreements": "agreement",
    "api-commitments": "commitment",
    "api-disbursements": "disbursement",
    "api-milestones": "milestone",
    "api-status-reports": "report",
    "api-organizations": "organization",
    "api-capabilities": None,
}
# Capabilities are the shared taxonomy, the same for everyone; the other routes hold partners' records.
SHARED_REFERENCE_DATA = {"api-capability"}
# Webhook endpoints belong to an organisation rather than to an agreement, and the IATI export is one
# document: tests/webhooks/test_api.py refuses another partner's endpoint with the same 404 on each of
# these routes, and checks that a partner's export holds its own agreements only; likewise
# tests/api/test_portfolio_funding.py checks that a partner's portfolio figures count its own agreements only.
# Change requests exist only while four-eyes approval is on: tests/api/test_change_requests.py refuses
# another partner's with 404 on each route and shows a partner's list holding its own only.
ISOLATED_IN_TESTS_OF_THEIR_OWN = {
    "api-portfolio-funding",
    "api-change-requests",
    "api-change-request",
    "api-change-request-approve",
    "api-change-request-reject",
    "api-webhooks",
    "api-webhook",
    "api-webhook-rotate-secret",
    "api-webhook-deliveries",
    "api-webhook-delivery-replay",
    "api-webhook-replay",
    "api-iati-activities",
    # Figures over the agreements the caller may see: tests/api/test_donors.py shows a partner only its own.
    "api-portfolio-donors",
    # Indicators and their periods: tests/api/test_indicators.py.
    "api-indicators",
    "api-indicator",
    "api-indicator-periods",
    "api-indicator-period",
    "api-indicator-period-report",
    "api-indicator-period-verify",
    "api-indicator-period-lock",
    "api-indicator-period-unlock",
    # The capacity figures over what the caller may see: tests/api/test_portfolio_capacity.py.
    "api-portfolio-capacity",
    # Tranches (read-only but for release): tests/api/test_tranches.py.
    "api-tranches",
    "api-tranche",
    "api-tranche-release",
}


@pytest.mark.parametrize("direction", ["alpha-to-bravo", "bravo-to-alpha"])
def test_partner_gets_404_for_every_operation_on_another_partners_records(direction, alpha, bravo, token_for):
    me, other = (alpha, bravo) if direction == "alpha-to-bravo" else (bravo, alpha)
    client = bearer(token_for(organization=me.organization, scope="write"))
    before = database_snapshot()

    for route, method, kwargs, body in object_requests(other):
        response = getattr(client, method)(reverse(route, kwargs=kwargs), body, format="json")
        assert response.status_code == 404, (route, method, response.content)
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["code"] == "not_found"
        assert str(other.agreement.reference) not in response.content.decode()

    assert database_snapshot() == before


@pytest.mark.parametrize("direction", ["alpha-to-bravo", "bravo-to-alpha"])
def test_lists_and_counts_show_nothing_of_another_partner(direction, alpha, bravo, token_for):
    me, other = (alpha, bravo) if direction == "alpha-to-bravo" else (bravo, alpha)
    client = bearer(token_for(organization=me.organization, scope="read"))

    for route, record in LISTS.items():
        if record is None:
            continue
        listed = client.get(reverse(route)).json()
        assert [row["id"] for row in listed["results"]] == [getattr(me, record).pk], route
        assert listed["next"] is None and listed["previous"] is None  # lists count nothing: one page, one row
        # Filtering on the other's ids and slugs finds nothing, exactly like ids that do not exist.
        for query in (
            {"agreement": other.agreement.pk},
            {"party": other.organization.slug},
            {"search": other.agreement.reference},
        ):
            narrowed = client.get(reverse(route), query)
            assert narrowed.status_code == 200
            assert other.agreement.reference not in narrowed.content.decode()


def test_staff_only_creates_are_refused_to_partners_whatever_they_name(alpha, bravo, token_for):
    client = bearer(token_for(organization=alpha.organization, scope="write"))
    before = database_snapshot()
    for route in STAFF_ONLY_CREATES:
        for body in ({"agreement": bravo.agreement.pk, "funder": alpha.organization.pk}, {"agreement": 10**9}):
            response = client.post(reverse(route), body, format="json")
            assert response.status_code == 403, route
            assert response.json()["code"] == "permission_denied"
    assert database_snapshot() == before


def test_the_matrix_covers_every_route_and_method():
    covered = {(route, method) for route, method, _, _ in object_requests_placeholder()}
    covered |= {(route, "get") for route in LISTS} | {(route, "post") for route in STAFF_ONLY_CREATES}
    every = set()
    for pattern in api_urls.urlpatterns:
        if pattern.name in ROUTES_WITHOUT_RECORDS | SHARED_REFERENCE_DATA | ISOLATED_IN_TESTS_OF_THEIR_OWN:
            continue
        view = pattern.callback.view_class
        every |= {
            (pattern.name, method) for method in ("get", "post", "patch", "put", "delete") if hasattr(view, method)
        }
    assert every - covered == set()


def object_requests_placeholder():
    """The matrix's routes and methods, independent of any data."""
    anything = SimpleNamespace(pk=1, slug="x", reference="x")
    return object_requests(PartnerWorld(*[anything] * 7))


def test_a_party_is_reached_only_through_its_own_agreement(alpha, bravo, staff_api, token_for):
    """Alpha's agreement URL with Bravo's party id: 404 for the partner and for staff, and Bravo keeps its party."""
    url = reverse("api-agreement-party", kwargs={"pk": alpha.agreement.pk, "party_pk": bravo.party.pk})

    as_partner = bearer(token_for(organization=alpha.organization)).delete(url)
    as_staff = staff_api.delete(url)

    assert (as_partner.status_code, as_staff.status_code) == (404, 404)
    assert AgreementParty.objects.filter(pk=bravo.party.pk, agreement=bravo.agreement).exists()
