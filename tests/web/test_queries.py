"""The dashboard, the list and the agreement page run a fixed number of queries whatever the data."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from projects.actors import Actor
from projects.choices import Rag
from projects.models import Capability
from projects.services.agreements import update_agreement
from tests.factories import (
    AgreementFactory,
    CapabilityFactory,
    CommitmentFactory,
    DisbursementFactory,
    ExchangeRateFactory,
    IndicatorFactory,
    IndicatorPeriodFactory,
    MilestoneFactory,
    OrganizationFactory,
    StatusReportFactory,
    TrancheFactory,
)

# Session and user lookups of a signed-in request, and the navigation's count of pending approvals, are
# included in each count. The dashboard: its funding (rates, and sums by capability, funder and month in one
# statement), the largest gaps (the rates, the gaps in order, their agreements, then their rates and sums),
# RAG, milestones, the open alerts and their count; besides those, its recent changes read the history
# tables in as many queries as kinds of record changed lately (tests/test_changelog.py counts them). The
# agreement page also lists its indicators, tranches and change requests.
DASHBOARD_QUERIES = 17
LIST_QUERIES = 14  # the rates of the sort keys; the totals row of everything listed: its rates and its sums
AGREEMENT_PAGE_QUERIES = 26


def add_children(agreement, n: int) -> None:
    """Funding in two currencies, late and coming milestones, reports: every kind of row the pages show."""
    today = timezone.localdate()
    for i in range(n):
        commitment = CommitmentFactory(agreement=agreement, currency="GBP" if i % 2 else "EUR")
        DisbursementFactory(commitment=commitment, amount=Decimal("100.00"))
        late = MilestoneFactory(agreement=agreement, due_on=today - timedelta(days=i + 1))
        TrancheFactory(commitment=CommitmentFactory(agreement=agreement), milestone=late)
        MilestoneFactory(agreement=agreement, due_on=today + timedelta(days=i + 1), unit="drones", target_quantity=10)
        StatusReportFactory(agreement=agreement, rag=[Rag.GREEN, Rag.AMBER, Rag.RED][i % 3])
        IndicatorPeriodFactory(indicator=IndicatorFactory(agreement=agreement))


def grow_portfolio(agreements: int, children: int) -> list:
    ExchangeRateFactory(currency="GBP")
    created = []
    for i in range(agreements):
        agreement = AgreementFactory()
        shared, _ = Capability.objects.get_or_create(slug=f"shared-{i % 3}", defaults={"name": f"Shared {i % 3}"})
        agreement.capabilities.add(CapabilityFactory() if i % 2 else shared)
        add_children(agreement, children)
        created.append(agreement)
    # The latest change is to an agreement, so recent changes include agreement versions (and their
    # capabilities query) at every size.
    update_agreement(actor=Actor.system(), agreement_id=created[0].pk, title="Renamed programme")
    return created


@pytest.mark.parametrize(("agreements", "children"), [(2, 1), (8, 3)])
def test_dashboard_queries_are_constant(manager_client, agreements, children):
    grow_portfolio(agreements, children)
    assert dashboard_queries(manager_client) == DASHBOARD_QUERIES


def dashboard_queries(client) -> int:
    """The queries of a dashboard request, those of its recent changes (on the history tables) left out."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("dashboard")).status_code == 200
    return sum('"projects_historical' not in query["sql"] for query in queries)


@pytest.mark.parametrize(("agreements", "children"), [(2, 1), (27, 1)])
def test_list_queries_are_constant(manager_client, django_assert_num_queries, agreements, children):
    grow_portfolio(agreements, children)
    url = reverse("agreement-list") + "?sort=-overdue&country=UA"
    with django_assert_num_queries(LIST_QUERIES):
        assert manager_client.get(url).status_code == 200


@pytest.mark.parametrize("children", [1, 6])
def test_agreement_page_queries_are_constant(manager_client, django_assert_num_queries, children):
    agreement = grow_portfolio(1, children)[0]
    with django_assert_num_queries(AGREEMENT_PAGE_QUERIES):
        assert manager_client.get(reverse("agreement", args=[agreement.pk])).status_code == 200


class RowsRead:
    """The SELECTs run meanwhile, to count the rows each returned (re-run wrapped in COUNT(*))."""

    def __init__(self):
        self.queries = []

    def __call__(self, execute, sql, params, many, context):
        if sql.lstrip("( ").upper().startswith("SELECT"):
            self.queries.append((sql, params))
        return execute(sql, params, many, context)

    def rows(self, touching: str) -> int:
        """Rows returned by the queries reading the table `touching`, history tables aside."""
        total = 0
        with connection.cursor() as cursor:
            for sql, params in self.queries:
                if touching in sql and "historical" not in sql:
                    cursor.execute(f"SELECT COUNT(*) FROM ({sql}) AS counted", params)  # noqa: S608 (Django's own SQL)
                    total += cursor.fetchone()[0]
        return total


def add_funded_agreements(n: int, capabilities: list, funders: list) -> None:
    """Agreements alike in all but number: the same capabilities, funders, currencies and kinds of money."""
    for i in range(n):
        agreement = AgreementFactory(currency=("EUR", "GBP")[i % 2])
        agreement.capabilities.set(capabilities[: 1 + i % 2])
        for funder, currency, status in zip(funders, ("GBP", "EUR"), ("committed", "pledged"), strict=True):
            commitment = CommitmentFactory(agreement=agreement, funder=funder, currency=currency, status=status)
            if status == "committed":
                DisbursementFactory(commitment=commitment)


def test_dashboard_reads_as_many_funding_rows_for_many_agreements_as_for_few(manager_client):
    """The totals come from sums per currency, capability and funder, not from a row per agreement."""
    ExchangeRateFactory(currency="GBP")
    capabilities = [CapabilityFactory(), CapabilityFactory()]
    funders = [OrganizationFactory(country="GB"), OrganizationFactory(country="DK")]
    read = {}
    # Both sizes above the five largest gaps the dashboard lists (their rows are read, at most five).
    for size, added in ((6, 6), (40, 34)):
        add_funded_agreements(added, capabilities, funders)
        rows = RowsRead()
        with connection.execute_wrapper(rows):
            assert manager_client.get(reverse("dashboard")).status_code == 200
        read[size] = rows.rows("projects_fundingcommitment")
    assert read[40] == read[6]
