"""Measure `send_digests` for 1,000 recipients: planning, rendering and sending, and the queries per digest.

Builds a portfolio in a throwaway database (bench_notifications, created and dropped here), then:
  1. plans the weekly digests (one delivery row and one queued task per recipient),
  2. delivers them one by one in this process (what each worker task does), timing each,
  3. runs the `send_digests` command end to end with eager tasks, and a second time (nothing left to send).
Mail goes to Django's in-memory backend, so the figures are the tracker's own cost without SMTP latency.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker python bench/send_digests.py [--recipients 1000]
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
os.environ.setdefault("LOG_LEVEL", "WARNING")  # one log line per task would drown the figures

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core import mail  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from projects.choices import AgreementStatus, CommitmentStatus, MilestoneStatus, PartyRole, Rag  # noqa: E402
from projects.models import (  # noqa: E402
    Agreement,
    AgreementParty,
    Disbursement,
    FundingCommitment,
    Milestone,
    Organization,
    StatusReport,
)
from projects.notifications.delivery import deliver, plan_digests  # noqa: E402
from projects.notifications.models import Contact, Delivery, DeliveryStatus, Recipient  # noqa: E402
from tracker.celery import app as celery_app  # noqa: E402

MANAGERS = 20


def build_portfolio(recipients: int, agreements: int, organizations: int) -> None:
    today = timezone.localdate()
    orgs = Organization.objects.bulk_create(
        Organization(name=f"Bench org {i}", slug=f"bench-org-{i}", kind="company", country="UA")
        for i in range(organizations)
    )
    managers = get_user_model().objects.bulk_create(
        get_user_model()(username=f"bench-manager-{i}", email=f"manager{i}@bench.example", is_staff=True)
        for i in range(MANAGERS)
    )
    deals = Agreement.objects.bulk_create(
        Agreement(
            reference=f"UA-BN-2026-{i:04d}",
            title=f"Bench programme {i}",
            kind="co_production",
            status=AgreementStatus.ACTIVE,
            signed_on=today - timedelta(days=90),
            currency="EUR",
            budget=Decimal("1000000.00"),
            programme_manager=managers[i % MANAGERS],
        )
        for i in range(agreements)
    )
    producer = {deal.pk: orgs[i % organizations] for i, deal in enumerate(deals)}
    funder = {deal.pk: orgs[(i * 7 + 3) % organizations] for i, deal in enumerate(deals)}
    AgreementParty.objects.bulk_create(
        party
        for deal in deals
        for party in (
            AgreementParty(agreement=deal, organization=producer[deal.pk], role=PartyRole.PRODUCER),
            AgreementParty(agreement=deal, organization=funder[deal.pk], role=PartyRole.FUNDER),
        )
    )
    Milestone.objects.bulk_create(
        milestone
        for i, deal in enumerate(deals)
        for milestone in (
            Milestone(agreement=deal, title="Overdue", due_on=today - timedelta(days=3), responsible=producer[deal.pk]),
            Milestone(
                agreement=deal,
                title="Due soon",
                due_on=today + timedelta(days=5),
                responsible=producer[deal.pk],
                owner=managers[(i + 1) % MANAGERS],
            ),
            Milestone(
                agreement=deal,
                title="Done",
                due_on=today,
                status=MilestoneStatus.DONE,
                completed_on=today,
                responsible=producer[deal.pk],
            ),
            Milestone(agreement=deal, title="Later", due_on=today + timedelta(days=60), responsible=producer[deal.pk]),
        )
    )
    commitments = FundingCommitment.objects.bulk_create(
        commitment
        for deal in deals
        for commitment in (
            FundingCommitment(
                agreement=deal,
                funder=funder[deal.pk],
                amount=Decimal("400000.00"),
                currency="EUR",
                status=CommitmentStatus.COMMITTED,
                pledged_on=today,
                reference=f"C-{deal.pk}",
            ),
            FundingCommitment(
                agreement=deal,
                funder=funder[deal.pk],
                amount=Decimal("200000.00"),
                currency="EUR",
                status=CommitmentStatus.PLEDGED,
                pledged_on=today,
                reference=f"P-{deal.pk}",
            ),
        )
    )
    Disbursement.objects.bulk_create(
        Disbursement(commitment=c, amount=Decimal("100000.00"), disbursed_on=today, reference=f"D-{c.pk}")
        for c in commitments
        if c.status == CommitmentStatus.COMMITTED
    )
    StatusReport.objects.bulk_create(
        StatusReport(agreement=deal, reported_on=today, rag=(Rag.GREEN, Rag.AMBER, Rag.RED)[i % 3], summary="Bench.")
        for i, deal in enumerate(deals)
    )
    contacts = Contact.objects.bulk_create(
        Contact(organization=orgs[i % organizations], name=f"Contact {i}", email=f"contact{i}@bench.example")
        for i in range(recipients - MANAGERS)
    )
    Recipient.objects.bulk_create(Recipient(contact=contact) for contact in contacts)


class QueryCounter:
    """Counts queries without keeping them (Django's query log stops counting at 9,000)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def timed(label: str, func):
    counter = QueryCounter()
    start = time.perf_counter()
    with connection.execute_wrapper(counter):
        result = func()
    elapsed = time.perf_counter() - start
    print(f"{label:<58} {elapsed:8.2f} s  {counter.count:6d} queries")
    return result, elapsed


def quietly(command: str, **options) -> None:
    with open(os.devnull, "w") as devnull:
        call_command(command, stdout=devnull, **options)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=1000)
    parser.add_argument("--agreements", type=int, default=300)
    parser.add_argument("--organizations", type=int, default=100)
    args = parser.parse_args()

    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = "bench_notifications"
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    celery_app.conf.update(broker_url="memory://", task_always_eager=False)
    try:
        _, build_seconds = timed(
            "build portfolio", lambda: build_portfolio(args.recipients, args.agreements, args.organizations)
        )
        today = timezone.localdate()
        ids, plan_seconds = timed(
            f"1. plan + queue {args.recipients} weekly digests", lambda: plan_digests("weekly", today)
        )

        latencies, query_counts = [], []
        start = time.perf_counter()
        for delivery_id in ids:
            counter = QueryCounter()
            with connection.execute_wrapper(counter):
                tick = time.perf_counter()
                deliver(delivery_id)
                latencies.append(time.perf_counter() - tick)
            query_counts.append(counter.count)
        deliver_seconds = time.perf_counter() - start
        sizes = [len(m.message().as_bytes()) for m in mail.outbox]
        print(
            f"{'2. deliver ' + str(len(ids)) + ' digests one by one (one worker process)':<58} {deliver_seconds:8.2f} s"
        )
        ms = sorted(seconds * 1000 for seconds in latencies)
        print(
            f"   per digest: mean {statistics.mean(ms):.1f} ms, p50 {ms[len(ms) // 2]:.1f} ms,"
            f" p95 {ms[int(len(ms) * 0.95)]:.1f} ms, max {ms[-1]:.1f} ms"
        )
        print(f"   queries per digest: min {min(query_counts)}, max {max(query_counts)}")
        agreements_per = args.agreements * 2 / args.organizations
        print(
            f"   e-mails sent: {len(mail.outbox)}, mean size {statistics.mean(sizes) / 1024:.1f} KiB;"
            f" a contact follows ~{agreements_per:.0f} agreements, a manager {args.agreements // MANAGERS}+"
        )

        Delivery.objects.all().delete()
        mail.outbox = []
        celery_app.conf.update(task_always_eager=True)
        _, command_seconds = timed(
            "3. send_digests --frequency weekly (eager, end to end)",
            lambda: quietly("send_digests", frequency="weekly"),
        )
        sent = Delivery.objects.filter(status=DeliveryStatus.SENT).count()
        print(f"   {sent} sent, {sent / command_seconds:.0f} digests/s in one process")
        mail.outbox = []
        timed(
            "4. send_digests again (all sent: nothing to do)",
            lambda: quietly("send_digests", frequency="weekly"),
        )
        print(f"   e-mails sent by the second run: {len(mail.outbox)}")
    finally:
        connection.creation.destroy_test_db("bench_notifications", verbosity=0)


if __name__ == "__main__":
    main()
