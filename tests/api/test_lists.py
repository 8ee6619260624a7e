"""Lists: constant queries whatever the page size, stable order, filters and incremental sync."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from projects.choices import AgreementStatus, MilestoneStatus, PartyRole
from projects.models import Agreement
from tests.api.conftest import bearer, partner_world
from tests.factories import TODAY, CapabilityFactory, MilestoneFactory, OrganizationFactory, PartyFactory

# Queries per list request: the token, the page (no count), and one per related list
# (agreements: capabilities, and parties with their organisations).
LIST_QUERIES = {
    "api-agreements": 4,
    "api-commitments": 2,
    "api-disbursements": 2,
    "api-milestones": 2,
    "api-status-reports": 2,
    "api-organizations": 2,
    "api-capabilities": 2,
}
LIST_ROUTES = list(LIST_QUERIES)


@pytest.fixture
def portfolio(db):
    """Several agreements, each with parties, capabilities and records of every kind.

    The first partner observes every agreement, so its lists have many rows too.
    """
    worlds = [partner_world(f"Works {n}") for n in range(4)]
    for world in worlds:
        world.agreement.capabilities.add(CapabilityFactory())
        PartyFactory(agreement=world.agreement, role=PartyRole.RECIPIENT)
        PartyFactory(agreement=world.agreement, organization=worlds[0].organization, role=PartyRole.OBSERVER)
    return worlds


def queries_for(client, url, params) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, response.content
    return len(captured), len(response.json()["results"])


@pytest.mark.parametrize("route", LIST_ROUTES)
@pytest.mark.parametrize("who", ["staff", "partner"])
def test_a_list_runs_the_same_queries_for_1_10_or_100_rows_a_page(route, who, portfolio, staff_api, token_for):
    client = staff_api if who == "staff" else bearer(token_for(organization=portfolio[0].organization))
    url = reverse(route)
    client.get(url)  # the first request records the token's last use; later ones within a minute do not
    one, one_rows = queries_for(client, url, {"page_size": 1})
    ten, _ = queries_for(client, url, {"page_size": 10})
    hundred, hundred_rows = queries_for(client, url, {"page_size": 100})
    assert one_rows == 1 and hundred_rows > 1
    assert one == ten == hundred, f"{route}: {one} queries for 1 row, {ten} for 10, {hundred} for {hundred_rows}"
    assert one == LIST_QUERIES[route]


def test_the_history_list_runs_the_same_queries_for_1_or_100_entries(portfolio, staff_api):
    url = reverse("api-agreement-history", args=[portfolio[0].agreement.pk])
    staff_api.get(url)
    one, _ = queries_for(staff_api, url, {"page_size": 1})
    hundred, rows = queries_for(staff_api, url, {"page_size": 100})
    # The token, the agreement, one query per kind of record, and the agreement's capability history.
    assert rows > 1 and one == hundred == 11


def test_pages_follow_a_stable_order_without_gaps_or_repeats(portfolio, staff_api):
    seen, url, params = [], reverse("api-milestones"), {"page_size": 1}
    while url:
        page = staff_api.get(url, params).json()
        seen += [row["id"] for row in page["results"]]
        url, params = page["next"], None
    assert len(seen) == len(set(seen)) == 4
    assert seen == [row["id"] for row in staff_api.get(reverse("api-milestones")).json()["results"]]


def test_page_size_is_capped_at_100(portfolio, staff_api):
    assert staff_api.get(reverse("api-agreements"), {"page_size": 100000}).status_code == 200


def test_agreement_filters(portfolio, staff_api):
    first, second = portfolio[0].agreement, portfolio[1].agreement
    Agreement.objects.filter(pk=second.pk).update(status=AgreementStatus.NEGOTIATING, title="Artillery shells")
    capability = first.capabilities.first()
    gb_party = PartyFactory(agreement=first, organization=OrganizationFactory(country="PL"))

    def ids(**query):
        response = staff_api.get(reverse("api-agreements"), query)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids(status="negotiating") == {second.pk}
    assert ids(capability=capability.slug) == {first.pk}
    assert ids(party=portfolio[2].organization.slug) == {portfolio[2].agreement.pk}
    assert ids(country="pl") == {gb_party.agreement_id}
    assert ids(search="artillery") == {second.pk}
    assert ids(search=first.reference) == {first.pk}
    assert ids(kind="training") == set()


def test_milestone_filters(portfolio, staff_api):
    agreement = portfolio[0].agreement
    responsible = portfolio[0].organization
    late = MilestoneFactory(
        agreement=agreement, responsible=responsible, due_on=timezone.localdate() - timedelta(days=3)
    )
    MilestoneFactory(
        agreement=agreement,
        responsible=responsible,
        due_on=timezone.localdate() - timedelta(days=3),
        status=MilestoneStatus.CANCELLED,
    )
    later = MilestoneFactory(
        agreement=agreement, responsible=responsible, due_on=timezone.localdate() + timedelta(days=90)
    )

    def ids(**query):
        return {row["id"] for row in staff_api.get(reverse("api-milestones"), query).json()["results"]}

    assert late.pk in ids(overdue="true") and later.pk not in ids(overdue="true")
    assert late.pk not in ids(overdue="false") and later.pk in ids(overdue="false")
    assert ids(due_after=(timezone.localdate() + timedelta(days=60)).isoformat()) == {later.pk}
    assert ids(due_before=TODAY.isoformat()) == set()
    assert ids(agreement=agreement.pk, status="planned") == {portfolio[0].milestone.pk, late.pk, later.pk}


def test_updated_after_returns_only_what_changed_since(portfolio, staff_api):
    mark = timezone.now()
    url = reverse("api-milestone", args=[portfolio[1].milestone.pk])
    staff_api.patch(url, {"status": "in_progress"}, format="json")
    changed = staff_api.get(reverse("api-milestones"), {"updated_after": mark.isoformat()}).json()
    assert [row["id"] for row in changed["results"]] == [portfolio[1].milestone.pk]


@pytest.mark.parametrize(
    "query",
    [
        {"status": "nonsense"},
        {"updated_after": "yesterday"},
        {"updated_after": "0001-01-01T00:00:00+05:00"},
        {"due_before": "2026-13-45"},
        {"agreement": "1.5"},
        {"agreement": "9" * 40},
        {"search": "nul\x00byte"},
    ],
)
def test_bad_filter_values_get_400_problems(portfolio, staff_api, query):
    route = "api-milestones" if set(query) & {"due_before", "agreement"} else "api-agreements"
    response = staff_api.get(reverse(route), query)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"]
