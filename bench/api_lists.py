"""The API lists at portfolio scale, each figure a ratio to its floor measured in the same run.

    DATABASE_URL=postgres://…/tracker_bench python manage.py migrate
    DATABASE_URL=postgres://…/tracker_bench python bench/api_lists.py build    # once: bulk inserts
    DATABASE_URL=postgres://…/tracker_bench python bench/api_lists.py          # measure

`build` fills the configured (empty, migrated) database with 10,000 agreements, 100,000
milestones, 50,000 commitments, 12,000 disbursements and 20,000 status reports. The measurement
calls the API in process (middleware, authentication, throttling and rendering included) and
prints, for a staff and a partner token:

- the agreements list, page of 100, against its floor: the same rows and fields read with
  `values()` and encoded with orjson (the least any implementation must do);
- a deep page (the 90th page of 100 for staff, the last for the partner) against the first;
- the query count of every list at page sizes 1, 10 and 100.

Times are medians of repeated runs; machines are noisy, the ratios are what to compare.
"""

import os
import statistics
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
os.environ.setdefault("DEBUG", "true")  # development defaults for the settings; main() turns DEBUG off again

import django  # noqa: E402

django.setup()

import orjson  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from projects.actors import Actor  # noqa: E402
from projects.choices import SIGNED_STATUSES, AgreementStatus, CommitmentStatus, MilestoneStatus  # noqa: E402
from projects.models import (  # noqa: E402
    Agreement,
    AgreementParty,
    Capability,
    Disbursement,
    FundingCommitment,
    Milestone,
    Organization,
    StatusReport,
)

AGREEMENTS, MILESTONES_EACH, COMMITMENTS_EACH, REPORTS_EACH = 10_000, 10, 5, 2
DISBURSEMENTS = 12_000
PARTNER_SLUG = "bench-partner"
ROUTES = ["agreements", "milestones", "commitments", "disbursements", "status-reports", "organizations"]
START = date(2025, 1, 1)


def build() -> None:
    """Bulk-insert the portfolio (history rows are not needed to read the lists)."""
    from django.contrib.auth import get_user_model

    if Agreement.objects.exists():
        sys.exit("The database already holds agreements; build into an empty, migrated database.")
    user_model = get_user_model()
    managers = user_model.objects.bulk_create(
        [user_model(username=f"bench-manager-{n}", is_staff=True) for n in range(20)]
    )
    organizations = Organization.objects.bulk_create(
        [
            Organization(name=f"Bench Works {n}", slug=f"bench-works-{n}", kind="company", country="GB")
            for n in range(500)
        ]
        + [Organization(name="Bench Partner", slug=PARTNER_SLUG, kind="company", country="UA")]
    )
    partner = organizations[-1]
    capabilities = Capability.objects.bulk_create(
        [Capability(name=f"Capability {n}", slug=f"capability-{n}") for n in range(12)]
    )
    statuses = list(AgreementStatus.values)
    agreements = Agreement.objects.bulk_create(
        [
            Agreement(
                reference=f"UA-GB-2025-{n:05d}",
                title=f"Joint production programme {n}",
                summary="Serial production of interceptor drones with training of crews. " * 3,
                kind="co_production",
                status=statuses[n % len(statuses)],
                signed_on=START if statuses[n % len(statuses)] in SIGNED_STATUSES else None,
                starts_on=START,
                ends_on=START + timedelta(days=730),
                currency=("EUR", "GBP", "USD")[n % 3],
                budget=Decimal(1_000_000 + n),
                programme_manager=managers[n % len(managers)],
            )
            for n in range(AGREEMENTS)
        ],
        batch_size=2000,
    )
    links = Agreement.capabilities.through
    links.objects.bulk_create(
        [
            links(agreement_id=a.pk, capability_id=capabilities[(n + k) % len(capabilities)].pk)
            for n, a in enumerate(agreements)
            for k in (0, 5)
        ],
        batch_size=5000,
    )
    parties = [
        AgreementParty(agreement=a, organization=organizations[(n + k * 7) % 500], role=role)
        for n, a in enumerate(agreements)
        for k, role in enumerate(("lead", "producer", "funder"))
    ]
    parties += [AgreementParty(agreement=a, organization=partner, role="observer") for a in agreements[::5]]
    AgreementParty.objects.bulk_create(parties, batch_size=5000)
    milestones = []
    for n, a in enumerate(agreements):
        for k in range(MILESTONES_EACH):
            done = k < 3
            milestones.append(
                Milestone(
                    agreement=a,
                    title=f"Batch {k + 1} delivered",
                    due_on=START + timedelta(days=30 * k + n % 30),
                    status=MilestoneStatus.DONE if done else MilestoneStatus.PLANNED,
                    completed_on=START + timedelta(days=30 * k) if done else None,
                    responsible=organizations[n % 500],
                    owner=managers[k % len(managers)],
                    unit="drones",
                    target_quantity=1000,
                    actual_quantity=1000 if done else 250,
                )
            )
    Milestone.objects.bulk_create(milestones, batch_size=5000)
    commitments = FundingCommitment.objects.bulk_create(
        [
            FundingCommitment(
                agreement=a,
                funder=organizations[(n + k) % 500],
                amount=Decimal("100000.00"),
                currency=a.currency,
                status=CommitmentStatus.COMMITTED if k < 2 else CommitmentStatus.PLEDGED,
                pledged_on=START + timedelta(days=k),
                reference=f"C-{n}-{k}",
            )
            for n, a in enumerate(agreements)
            for k in range(COMMITMENTS_EACH)
        ],
        batch_size=5000,
    )
    committed = [c for c in commitments if c.status == CommitmentStatus.COMMITTED]
    Disbursement.objects.bulk_create(
        [
            Disbursement(
                commitment=c, amount=Decimal("25000.00"), disbursed_on=START + timedelta(days=60), reference=f"D-{n}"
            )
            for n, c in enumerate(committed[:DISBURSEMENTS])
        ],
        batch_size=5000,
    )
    StatusReport.objects.bulk_create(
        [
            StatusReport(
                agreement=a,
                author=managers[n % len(managers)],
                reported_on=START + timedelta(days=90 * k + n % 60),
                rag=("green", "amber", "red")[(n + k) % 3],
                summary="Production on plan; the second batch is at 80%.",
                risks="Supply of motors.",
                next_steps="Acceptance tests.",
            )
            for n, a in enumerate(agreements)
            for k in range(REPORTS_EACH)
        ],
        batch_size=5000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"Built {Agreement.objects.count()} agreements, {Milestone.objects.count()} milestones, ", end="")
    print(f"{FundingCommitment.objects.count()} commitments, {Disbursement.objects.count()} disbursements.")


def agreements_floor(actor: Actor, size: int) -> bytes:
    """The least work a page of agreements needs: the same rows and fields with `values()`, encoded by orjson."""
    from projects.api.views.agreements import AgreementList

    page = list(Agreement.objects.visible_to(actor).order_by("reference", "pk").values(*AgreementList.columns)[:size])
    ids = [row["id"] for row in page]
    capabilities = Agreement.capabilities.through.objects.filter(agreement_id__in=ids).values(
        "agreement_id", "capability__id", "capability__slug", "capability__name"
    )
    organizations = (
        AgreementParty.objects.order_by()
        .filter(agreement_id__in=ids)
        .values(
            "agreement_id",
            "id",
            "role",
            "organization__id",
            "organization__slug",
            "organization__name",
            "organization__country",
        )
    )
    by_agreement = {row["id"]: row for row in page}
    for row in page:
        row["capabilities"], row["parties"] = [], []
    for link in capabilities:
        by_agreement[link.pop("agreement_id")]["capabilities"].append(link)
    for party in organizations:
        by_agreement[party.pop("agreement_id")]["parties"].append(party)
    return orjson.dumps({"results": page}, default=str)


def timed(call) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def compare(measured, floor, rounds: int = 41) -> tuple[float, float, float]:
    """Median times of two calls taken in alternation, and the median of their per-round ratios.

    Alternating pairs keeps the ratio steady on a busy machine, where absolute times drift.
    """
    measured(), floor()
    pairs = [(timed(measured), timed(floor)) for _ in range(rounds)]
    return (
        statistics.median(a for a, _ in pairs),
        statistics.median(b for _, b in pairs),
        statistics.median(a / b for a, b in pairs),
    )


def nth_page_url(client: APIClient, route: str, size: int, n: int) -> str:
    """Follow `next` links to the n-th page, as a client walking the list does."""
    url = f"/api/v1/{route}/?page_size={size}"
    for _ in range(n - 1):
        following = client.get(url).json()["next"]
        if following is None:
            break
        url = following
    return url


def query_counts(client: APIClient, route: str) -> list[int]:
    counts = []
    for size in (1, 10, 100):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/api/v1/{route}/", {"page_size": size})
        if response.status_code != 200:
            sys.exit(f"{route}: {response.status_code} {response.content[:300]!r}")
        counts.append(len(queries))
    return counts


def measure(who: str, client: APIClient, actor: Actor, deep_page: int) -> None:
    api, floor, ratio = compare(
        lambda: client.get("/api/v1/agreements/", {"page_size": 100}), lambda: agreements_floor(actor, 100)
    )
    print(f"{who}: agreements page of 100: {api:6.1f} ms, floor {floor:5.1f} ms, ratio {ratio:4.2f}x")
    deep_url = nth_page_url(client, "agreements", 100, deep_page)
    deep, first, ratio = compare(
        lambda: client.get(deep_url), lambda: client.get("/api/v1/agreements/", {"page_size": 100})
    )
    print(f"{who}: page {deep_page} of 100: {deep:6.1f} ms, page 1 {first:5.1f} ms, ratio {ratio:4.2f}x")
    for route in ROUTES:
        one, ten, hundred = query_counts(client, route)
        timing = statistics.median(
            timed(lambda route=route: client.get(f"/api/v1/{route}/?page_size=100")) for _ in range(7)
        )
        print(f"{who}:   {route:15} queries at 1/10/100: {one}/{ten}/{hundred}; page of 100 {timing:6.1f} ms")


def main() -> None:
    from projects.api.tokens import issue_token

    settings.DEBUG = False
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"api": "10000000/minute"}}
    from django.contrib.auth import get_user_model

    staff_user = get_user_model().objects.get(username="bench-manager-0")
    partner = Organization.objects.get(slug=PARTNER_SLUG)
    visible = Agreement.objects.visible_to(Actor(organization=partner)).count()
    print(f"{Agreement.objects.count()} agreements, {Milestone.objects.count()} milestones, ", end="")
    print(f"{FundingCommitment.objects.count()} commitments, {Disbursement.objects.count()} disbursements")
    print(f"partner sees {visible} agreements")
    for who, actor, owner in (
        ("staff", Actor(user=staff_user), {"user": staff_user}),
        ("partner", Actor(organization=partner), {"organization": partner}),
    ):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {issue_token(actor=Actor.system(), scope='read', **owner)[1]}")
        measure(who, client, actor, deep_page=90 if who == "staff" else -(-visible // 100))


if __name__ == "__main__":
    build() if sys.argv[1:] == ["build"] else main()
