"""Measure `send_digests` for 1,000 recipients: digests built, rendered and sent into a local SMTP server.

Builds a portfolio in a throwaway database (bench_notifications, created and dropped here) and starts an
aiosmtpd server in a process of its own, then:
  1. plans the weekly digests (one delivery row per recipient, queued in tasks),
  2. runs the tasks in this process (eager Celery: one worker process's work), sending over SMTP, and
     right after, the floor: the same messages, already built, sent over one reused SMTP connection;
     several rounds, each from a clean delivery log,
  3. prints the medians, and 4. the digests' time as a ratio to the floor's (the machines are noisy;
     the ratio, measured side by side, is what to compare),
  5. runs `send_digests` again (everything sent: nothing to do).

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
os.environ.setdefault("DEBUG", "true")  # the development defaults: a throwaway database, a local SMTP server

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.mail_sink import MailSink  # noqa: E402
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
from projects.notifications import digest_email  # noqa: E402
from projects.notifications.models import Contact, Delivery, DeliveryStatus, Recipient  # noqa: E402
from projects.notifications.planning import plan_digests  # noqa: E402
from tracker.celery import app as celery_app  # noqa: E402
from tracker.celery import freeze_startup_objects  # noqa: E402

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
    print(f"{label:<62} {elapsed:8.2f} s  {counter.count:6d} queries")
    return result, elapsed, counter.count


def quietly(command: str, **options) -> None:
    with open(os.devnull, "w") as devnull:
        call_command(command, stdout=devnull, **options)


def queue_only(today) -> list[int]:
    """Planning alone: the queued tasks go to a broker nobody reads."""
    celery_app.conf.update(task_always_eager=False)
    try:
        return plan_digests("weekly", today)
    finally:
        celery_app.conf.update(task_always_eager=True)


def send_round(server: MailSink, label: str) -> tuple[float, float, float, float]:
    """One `send_digests` run from a clean log, then the floor on its messages.

    Returns (digests/s, floor messages/s, CPU ms per digest, floor CPU ms per message): the CPU time of
    this process alone (the SMTP server runs in another), the steadiest figure on a loaded machine.
    """
    Delivery.objects.all().delete()
    digest_email.RENDERED_SECTIONS.clear()  # as a new period's news: no section rendered yet
    run = server.measure(lambda: timed(label, lambda: quietly("send_digests", frequency="weekly")))
    _, _, queries = run.result
    sent = Delivery.objects.filter(status=DeliveryStatus.SENT).count()
    seconds, floor_rate = run.seconds, len(run.messages) / run.floor
    sizes = [len(content) for _, _, content in run.messages]
    cpu_ms, floor_cpu_ms = run.cpu * 1000 / max(sent, 1), run.floor_cpu * 1000 / max(len(run.messages), 1)
    print(
        f"   {sent} sent ({len(run.messages)} received over {run.connections} SMTP connections, mean"
        f" {statistics.mean(sizes) / 1024:.1f} KiB): {sent / seconds:.0f} digests/s,"
        f" {queries / max(sent, 1):.2f} queries per digest, CPU {cpu_ms:.2f} ms a digest;"
        f" floor {floor_rate:.0f} messages/s, CPU {floor_cpu_ms:.2f} ms a message"
    )
    return sent / seconds, floor_rate, cpu_ms, floor_cpu_ms


def measure(args, server: MailSink) -> None:
    timed("build portfolio", lambda: build_portfolio(args.recipients, args.agreements, args.organizations))
    print(
        f"   {args.recipients} recipients; a contact follows ~{args.agreements * 2 / args.organizations:.0f}"
        f" agreements, a manager {args.agreements // MANAGERS}+"
    )
    today = timezone.localdate()
    timed(f"1. plan {args.recipients} weekly digests (queued, not sent)", lambda: queue_only(today))

    rounds = [send_round(server, f"2.{n + 1} send_digests into SMTP (one process)") for n in range(args.rounds)]
    rate = statistics.median(r for r, *_ in rounds)
    floor_rate = statistics.median(f for _, f, *_ in rounds)
    ratio = statistics.median(f / r for r, f, *_ in rounds)
    cpu, floor_cpu = statistics.median(c for *_, c, _ in rounds), statistics.median(c for *_, c in rounds)
    print(
        f"3. median of {args.rounds}: {rate:.0f} digests/s, CPU {cpu:.2f} ms a digest; floor (the same messages,"
        f" built, over one reused SMTP connection) {floor_rate:.0f} messages/s, CPU {floor_cpu:.2f} ms a message"
    )
    print(f"4. ratio: a digest takes {ratio:.1f}x the floor's time per message (median of the rounds' ratios)")

    timed("5. send_digests again (all sent: nothing to do)", lambda: quietly("send_digests", frequency="weekly"))
    print(f"   e-mails sent by the second run: {len(server.take()[1])}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=1000)
    parser.add_argument("--agreements", type=int, default=300)
    parser.add_argument("--organizations", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3, help="send_digests runs (each followed by its floor)")
    args = parser.parse_args()

    with MailSink() as server:  # before the database connection opens, so the forked server holds none
        freeze_startup_objects()  # as a worker process does when it starts
        settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = "bench_notifications"
        connection.creation.create_test_db(verbosity=0, autoclobber=True)
        server.serve_django()
        celery_app.conf.update(broker_url="memory://", task_always_eager=True)
        try:
            measure(args, server)
        finally:
            connection.creation.destroy_test_db("bench_notifications", verbosity=0)


if __name__ == "__main__":
    main()
