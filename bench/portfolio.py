"""The benchmarks' portfolio: agreements with parties, funding, milestones, reports, contacts and history.

Bulk inserts (with history rows, as imports make them), so 10,000 agreements build in a few
minutes. Per agreement: 4 parties (a producer, a lead and two funders), 5 commitments (2
committed, 2 pledged, 1 cancelled) in four currencies, 1.2 disbursements, 10 milestones from
long done to months ahead (one past milestone in ten overdue, some due soon) and 2 status reports. Every
organisation has a contact. Dates are relative to the day of the build.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from projects.models import (
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
from projects.notifications.models import Contact, Recipient

REFERENCE_PREFIX = "BN-"
MILESTONES_PER_AGREEMENT = 10
COMMITMENTS_PER_AGREEMENT = 5
COUNTRIES = ["UA", "GB", "DE", "DK", "NL", "NO", "SE", "US", "CA", "FR"]
RATES = {"GBP": Decimal("1.17"), "USD": Decimal("0.92"), "PLN": Decimal("0.23")}
AGREEMENT_CURRENCIES = ["EUR", "GBP", "USD", "PLN"]
COMMITMENTS = [  # (status, currency) of each agreement's commitments
    ("committed", "EUR"),
    ("committed", "GBP"),
    ("pledged", "USD"),
    ("pledged", "EUR"),
    ("cancelled", "PLN"),
]
STATUSES = ["draft", "negotiating", "signed", "active", "active", "active", "suspended", "completed", "terminated"]
KINDS = ["co_production", "training", "maintenance", "technology_transfer", "joint_rnd", "procurement"]
# A producer works on ten agreements (at 10,000 agreements), a lead on a hundred; funders fund hundreds.
PRODUCERS, LEADS, FUNDERS = 1000, 100, 60
MANAGERS, CAPABILITIES = 50, 9
BATCH = 5000
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Shape:
    """How many rows of each kind the portfolio holds."""

    agreements: int
    milestones: int
    commitments: int
    disbursements: int
    organizations: int = PRODUCERS + LEADS + FUNDERS

    @classmethod
    def of(cls, agreements: int) -> Shape:
        committed = 2 * agreements  # three in five of them take a disbursement
        return cls(
            agreements,
            agreements * MILESTONES_PER_AGREEMENT,
            agreements * COMMITMENTS_PER_AGREEMENT,
            3 * (committed // 5) + min(committed % 5, 3),
        )

    @classmethod
    def in_database(cls) -> Shape:
        return cls(
            Agreement.objects.count(),
            Milestone.objects.count(),
            FundingCommitment.objects.count(),
            Disbursement.objects.count(),
            Organization.objects.count(),
        )


def is_bench_database() -> bool:
    """Nothing but a benchmark portfolio (or nothing at all) lives here, so it may be changed and emptied."""
    others = get_user_model().objects.exclude(username="bench").exclude(username__startswith="bench-manager-")
    return not others.exists() and not Agreement.objects.exclude(reference__startswith=REFERENCE_PREFIX).exists()


def build_portfolio(agreements: int) -> None:
    """Insert the portfolio of `Shape.of(agreements)` into the current (empty) database."""
    today = timezone.localdate()
    user = get_user_model().objects.create_user("bench", email="bench@bench.example", is_staff=True)
    history = {"batch_size": BATCH, "default_user": user}
    for currency, rate in RATES.items():
        for days, factor in ((40, Decimal("0.98")), (10, Decimal("1"))):
            ExchangeRate.objects.create(currency=currency, rate=rate * factor, valid_on=today - timedelta(days=days))
    organizations = _organizations()
    capabilities = Capability.objects.bulk_create(
        Capability(name=f"Capability {i}", slug=f"bench-capability-{i}") for i in range(CAPABILITIES)
    )
    managers = get_user_model().objects.bulk_create(
        get_user_model()(username=f"bench-manager-{i}", email=f"manager{i}@bench.example", is_staff=True)
        for i in range(MANAGERS)
    )
    bulk_create_with_history([_agreement(i, today, managers) for i in range(agreements)], Agreement, **history)
    rows = list(Agreement.objects.filter(reference__startswith=REFERENCE_PREFIX).order_by("reference"))
    through = Agreement.capabilities.through
    through.objects.bulk_create(
        through(agreement=a, capability=capabilities[(i + k * 3) % CAPABILITIES])
        for i, a in enumerate(rows)
        for k in range(1 + (i % 4 == 0))
    )
    producers, leads, funders = (
        organizations[:PRODUCERS],
        organizations[PRODUCERS : PRODUCERS + LEADS],
        organizations[PRODUCERS + LEADS :],
    )
    bulk_create_with_history(_parties(rows, producers, leads, funders), AgreementParty, **history)
    bulk_create_with_history(_commitments(rows, funders, today), FundingCommitment, **history)
    committed = FundingCommitment.objects.filter(status="committed").order_by("agreement__reference", "currency")
    bulk_create_with_history(
        [
            Disbursement(
                commitment=c, amount=quarter(c.amount), disbursed_on=today - timedelta(days=30), reference=f"D{n}"
            )
            for n, c in enumerate(committed)
            if n % 5 < 3
        ],
        Disbursement,
        **history,
    )
    bulk_create_with_history(_milestones(rows, producers, managers, today), Milestone, **history)
    bulk_create_with_history(_reports(rows, user, today), StatusReport, **history)
    contacts = Contact.objects.bulk_create(
        Contact(organization=o, name=f"Contact at {o.name}", email=f"contact@{o.slug}.bench.example")
        for o in organizations
    )
    Recipient.objects.bulk_create(Recipient(contact=contact) for contact in contacts)


def producer_contacts() -> QuerySet[Recipient]:
    """Recipients who follow the ten or so agreements their organisation produces for: the common digest."""
    return Recipient.objects.filter(contact__organization__slug__startswith="bench-producer-")


def quarter(amount: Decimal) -> Decimal:
    return (amount / 4).quantize(CENT)


def _organizations() -> list[Organization]:
    roles = [("producer", "company", PRODUCERS), ("lead", "company", LEADS), ("funder", "government", FUNDERS)]
    return Organization.objects.bulk_create(
        Organization(name=f"Bench {role} {i}", slug=f"bench-{role}-{i}", kind=kind, country=COUNTRIES[i % 10])
        for role, kind, count in roles
        for i in range(count)
    )


def _agreement(i: int, today: date, managers: list) -> Agreement:
    status = STATUSES[i % len(STATUSES)]
    return Agreement(
        reference=f"{REFERENCE_PREFIX}{i:06d}",
        title=f"Joint production programme {i}",
        summary="Serial production of interceptor drones with training of operators and maintenance crews.",
        kind=KINDS[i % len(KINDS)],
        status=status,
        signed_on=today - timedelta(days=400) if status not in ("draft", "negotiating") else None,
        starts_on=today - timedelta(days=300),
        ends_on=today + timedelta(days=300 + i % 200),
        currency=AGREEMENT_CURRENCIES[i % len(AGREEMENT_CURRENCIES)],
        budget=Decimal(1_000_000 + (i % 97) * 250_000),
        programme_manager=managers[i % len(managers)],
    )


def _parties(rows, producers, leads, funders) -> list[AgreementParty]:
    parties = []
    for i, a in enumerate(rows):
        parties += [
            AgreementParty(agreement=a, organization=producers[i % len(producers)], role="producer"),
            AgreementParty(agreement=a, organization=leads[i % len(leads)], role="lead"),
        ]
        parties += [AgreementParty(agreement=a, organization=funder, role="funder") for funder in _funders(i, funders)]
    return parties


def _funders(i: int, funders: list) -> list[Organization]:
    return [funders[(i * 7) % len(funders)], funders[(i * 7 + 1) % len(funders)]]


def _commitments(rows, funders, today: date) -> list[FundingCommitment]:
    return [
        FundingCommitment(
            agreement=a,
            funder=_funders(i, funders)[j % 2],
            amount=(a.budget / (3 + j)).quantize(CENT),
            currency=currency,
            status=status,
            pledged_on=today - timedelta(days=200 - 30 * j),
            reference=f"C{i}-{j}",
        )
        for i, a in enumerate(rows)
        for j, (status, currency) in enumerate(COMMITMENTS)
    ]


def _milestones(rows, producers, managers, today: date) -> list[Milestone]:
    milestones = []
    for i, a in enumerate(rows):
        for k in range(MILESTONES_PER_AGREEMENT):
            due = today + timedelta(days=-150 + 35 * k + i % 30)
            done = due < today and (i + k) % 10 != 0  # one past milestone in ten is late
            milestones.append(
                Milestone(
                    agreement=a,
                    title=f"Milestone {k}",
                    due_on=due,
                    responsible=producers[i % len(producers)],
                    owner=managers[(i + k) % len(managers)] if k % 3 == 0 else None,
                    status="done" if done else ("in_progress" if due < today else "planned"),
                    completed_on=due if done else None,
                    unit="units",
                    target_quantity=100,
                    actual_quantity=100 if done else 40,
                )
            )
    return milestones


def _reports(rows, user, today: date) -> list[StatusReport]:
    return [
        report
        for i, a in enumerate(rows)
        for report in (
            StatusReport(agreement=a, author=user, reported_on=today - timedelta(days=40), rag="green", summary="OK."),
            StatusReport(
                agreement=a,
                author=user,
                reported_on=today - timedelta(days=3),
                rag=["green", "amber", "red"][i % 3],
                summary="Latest.",
            ),
        )
    ]
