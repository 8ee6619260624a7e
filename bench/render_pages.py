"""Render time of the dashboard, the agreements list and an agreement page with a large portfolio.

Builds N agreements (default 10,000) with parties, funding, milestones, reports and history in a
throwaway database (test_<name>, dropped afterwards), then times each page through Django's test
client and prints the median, the fastest and the query count. Run with DATABASE_URL set to PostgreSQL:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker python bench/render_pages.py [--agreements N]
"""

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402
from simple_history.utils import bulk_create_with_history  # noqa: E402

from projects.models import (  # noqa: E402
    Agreement,
    AgreementParty,
    Capability,
    Disbursement,
    ExchangeRate,
    FundingCommitment,
    Milestone,
    Organization,
    StatusReport,
)
from projects.selectors import portfolio_agreements, portfolio_funding  # noqa: E402

KINDS = ["co_production", "training", "maintenance", "technology_transfer", "joint_rnd", "procurement"]
STATUSES = ["draft", "negotiating", "signed", "active", "suspended", "completed"]
COUNTRIES = ["UA", "GB", "DE", "DK", "NL", "NO", "SE", "US", "CA", "FR"]
CURRENCIES = ["EUR", "GBP", "USD"]


def build(n: int) -> Agreement:
    today = timezone.localdate()
    user = get_user_model().objects.create_user("bench", is_staff=True)
    for currency, rate in [("GBP", "1.17"), ("USD", "0.92")]:
        ExchangeRate.objects.create(currency=currency, rate=Decimal(rate), valid_on=today - timedelta(days=10))
    organizations = Organization.objects.bulk_create(
        Organization(name=f"Organisation {i}", slug=f"org-{i}", kind="company", country=COUNTRIES[i % 10])
        for i in range(60)
    )
    capabilities = Capability.objects.bulk_create(Capability(name=f"Capability {i}", slug=f"cap-{i}") for i in range(9))
    agreements = bulk_create_with_history(
        [
            Agreement(
                reference=f"UA-BN-{i:06d}",
                title=f"Joint production programme {i}",
                kind=KINDS[i % 6],
                status=STATUSES[i % 6],
                signed_on=today - timedelta(days=400)
                if STATUSES[i % 6] in ("signed", "active", "suspended", "completed")
                else None,
                starts_on=today - timedelta(days=300),
                ends_on=today + timedelta(days=300 + i % 200),
                currency=CURRENCIES[i % 3],
                budget=Decimal(1_000_000 + (i % 97) * 250_000),
                programme_manager=user,
            )
            for i in range(n)
        ],
        Agreement,
        batch_size=2000,
        default_user=user,
    )
    agreements = list(Agreement.objects.order_by("pk"))
    through = Agreement.capabilities.through
    through.objects.bulk_create(through(agreement=a, capability=capabilities[i % 9]) for i, a in enumerate(agreements))
    parties, commitments, milestones, reports = [], [], [], []
    for i, a in enumerate(agreements):
        producer, funder = organizations[i % 30], organizations[30 + i % 30]
        parties += [
            AgreementParty(agreement=a, organization=producer, role="producer"),
            AgreementParty(agreement=a, organization=funder, role="funder"),
        ]
        commitments += [
            FundingCommitment(
                agreement=a,
                funder=funder,
                amount=a.budget / 2,
                currency=a.currency,
                status="committed",
                pledged_on=today - timedelta(days=200),
                reference=f"C{i}",
            ),
            FundingCommitment(
                agreement=a,
                funder=funder,
                amount=a.budget / 5,
                currency=a.currency,
                status="pledged",
                pledged_on=today - timedelta(days=50),
                reference=f"P{i}",
            ),
        ]
        for k, offset in enumerate([-60 - i % 30, 5 + i % 40, 200]):
            milestones.append(
                Milestone(
                    agreement=a,
                    title=f"Milestone {k}",
                    due_on=today + timedelta(days=offset),
                    responsible=producer,
                    status="in_progress" if k < 2 else "planned",
                    unit="units",
                    target_quantity=100,
                    actual_quantity=40,
                )
            )
        reports += [
            StatusReport(agreement=a, author=user, reported_on=today - timedelta(days=40), rag="green", summary="OK."),
            StatusReport(
                agreement=a,
                author=user,
                reported_on=today - timedelta(days=3),
                rag=["green", "amber", "red"][i % 3],
                summary="Latest.",
            ),
        ]
    bulk_create_with_history(parties, AgreementParty, batch_size=5000, default_user=user)
    bulk_create_with_history(commitments, FundingCommitment, batch_size=5000, default_user=user)
    committed = FundingCommitment.objects.filter(status="committed").order_by("pk")
    bulk_create_with_history(
        [
            Disbursement(
                commitment=c, amount=c.amount / 4, disbursed_on=today - timedelta(days=30), reference=f"D{c.pk}"
            )
            for c in committed
        ],
        Disbursement,
        batch_size=5000,
        default_user=user,
    )
    bulk_create_with_history(milestones, Milestone, batch_size=5000, default_user=user)
    bulk_create_with_history(reports, StatusReport, batch_size=5000, default_user=user)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return agreements[n // 2]


def measure(client: Client, url: str, repeats: int) -> tuple[float, float, int]:
    client.get(url)  # warm caches (templates, statement plans)
    timings = []
    for _ in range(repeats):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    return statistics.median(timings), min(timings), len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agreements", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        start = time.perf_counter()
        agreement = build(args.agreements)
        print(
            f"built {Agreement.objects.count():,} agreements, {Milestone.objects.count():,} milestones, "
            f"{FundingCommitment.objects.count():,} commitments in {time.perf_counter() - start:.1f} s "
            f"on {connection.vendor}"
        )
        client = Client()
        client.force_login(get_user_model().objects.get(username="bench"))
        pages = {
            "dashboard": "/",
            "list (first page)": "/agreements/",
            "list sorted by overdue": "/agreements/?sort=-overdue",
            "list filtered (country, RAG, overdue)": "/agreements/?country=DE&rag=red&overdue=true",
            "list last page": f"/agreements/?page={(args.agreements + 24) // 25}",
            "agreement page": f"/agreements/{agreement.pk}/",
        }
        print(f"{'page':40} {'median ms':>10} {'min ms':>8} {'queries':>8}")
        for name, url in pages.items():
            median, fastest, queries = measure(client, url, args.repeats)
            print(f"{name:40} {median * 1000:10.0f} {fastest * 1000:8.0f} {queries:8d}")
        selector = []
        for _ in range(args.repeats):
            start = time.perf_counter()
            portfolio_funding(portfolio_agreements())
            selector.append(time.perf_counter() - start)
        print(f"{'(of which portfolio_funding selector)':40} {statistics.median(selector) * 1000:10.0f}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
