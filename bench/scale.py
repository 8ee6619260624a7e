"""Speed at portfolio scale: each figure beside its floor, measured side by side in this one process.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_bench python bench/scale.py [--agreements 10000]

Builds the portfolio of bench/portfolio.py (10,000 agreements, 100,000 milestones, 50,000
commitments, 12,000 disbursements) into the database DATABASE_URL names, migrating it first; a
later run finds it there and reuses it (a database holding anything else is refused, one holding
a portfolio of another size is emptied and rebuilt). Everything is measured through the public
entry points (the API and the pages through Django's test client, `send_digests` and
`send_reminders` as commands), so the figures follow whatever the code does. Machines are noisy:
read the ratios, taken from the medians of alternating runs; the absolute times are for reference.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import warnings
from collections import defaultdict
from collections.abc import Callable
from datetime import timedelta
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
# Production settings, as a deployment runs (DEBUG off: no query log, no template debugging), served over
# plain HTTP to the test client and without a request limit.
for name, value in {
    "DEBUG": "false",
    "SECRET_KEY": "benchmark-only-not-a-secret",
    "ALLOWED_HOSTS": "testserver",
    "SITE_URL": "http://testserver",
    "BASE_CURRENCY": "EUR",
    "SECURE_SSL_REDIRECT": "false",
    "API_THROTTLE_RATE": "1000000/minute",
    "LOG_LEVEL": "WARNING",
}.items():
    os.environ.setdefault(name, value)
warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: static files are not served here

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

# Static files are not served here: the pages name them without the manifest `collectstatic` would write.
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

import orjson  # noqa: E402
import time_machine  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Max  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from bench.mail_sink import MailSink  # noqa: E402
from bench.portfolio import Shape, build_portfolio, is_bench_database, producer_contacts  # noqa: E402
from projects.actors import Actor  # noqa: E402
from projects.choices import AgreementStatus  # noqa: E402
from projects.models import Agreement, AgreementParty, Disbursement, FundingCommitment, Organization  # noqa: E402
from projects.notifications import digest_email, reminders  # noqa: E402
from projects.notifications.models import Delivery, Recipient  # noqa: E402
from tracker.celery import app as celery_app  # noqa: E402
from tracker.celery import freeze_startup_objects  # noqa: E402

PAGE = 100
DEEP_PAGE = 90
PAGE_SIZES = (1, 10, 100)
TRANSITIONS = {status: Agreement(status=status).allowed_transitions() for status in AgreementStatus.values}
PARTNER = "bench-lead-0"  # party to 100 agreements at 10,000


def prepare(agreements: int, *, rebuild: bool) -> None:
    """Migrate, then build the portfolio unless this database already holds it."""
    call_command("migrate", verbosity=0)
    if not is_bench_database():
        raise SystemExit("DATABASE_URL holds other data than a benchmark portfolio: name a database of its own.")
    wanted = Shape.of(agreements)
    if Shape.in_database() == wanted and not rebuild:
        print(f"reusing the portfolio in {connection.settings_dict['NAME']}: {wanted}")
        return
    if get_user_model().objects.exists():
        empty_bench_database()
    started = time.perf_counter()
    build_portfolio(agreements)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"built {Shape.in_database()} in {time.perf_counter() - started:.0f} s")


def empty_bench_database() -> None:
    """Start again from an empty schema (data migrations included) in a database that holds only a benchmark."""
    if connection.vendor != "postgresql":
        raise SystemExit("Empty the database by hand (only PostgreSQL databases are emptied here).")
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    call_command("migrate", verbosity=0)


def side_by_side(measured: Callable, floor: Callable, repeats: int) -> tuple[float, float]:
    """Medians of alternating runs of both, after one warm-up each."""
    measured(), floor()
    times = defaultdict(list)
    for _ in range(repeats):
        for name, run in (("measured", measured), ("floor", floor)):
            started = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - started)
    return statistics.median(times["measured"]), statistics.median(times["floor"])


def line(what: str, figure: str, goal: str, detail: str) -> None:
    print(f"{what:60} {figure:>9}  {goal:>8}   {detail}")


def row(what: str, measured: float, floor: float, goal: str) -> None:
    line(what, f"{measured / floor:.2f}×", goal, f"{measured * 1000:.1f} ms vs {floor * 1000:.1f} ms")


def api_client(**owner: str) -> APIClient:
    out = StringIO()
    call_command("create_api_token", scope="read", stdout=out, stderr=StringIO(), **owner)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {out.getvalue().strip()}")
    return client


def get(client, url: str, **params):
    response = client.get(url, params)
    if response.status_code != 200:
        raise SystemExit(f"{url} {params} answered {response.status_code}: {response.content[:300]!r}")
    return response


def values_page(agreements) -> bytes:
    """The floor of a list page: the same rows and fields read with `values()`, encoded by orjson."""
    fields = ["id", "reference", "title", "summary", "kind", "status", "signed_on", "starts_on", "ends_on"]
    fields += ["currency", "budget", "programme_manager__username", "created_at", "updated_at"]
    rows = list(agreements.order_by("reference", "pk").values(*fields)[:PAGE])
    ids = [r["id"] for r in rows]
    capabilities, parties = defaultdict(list), defaultdict(list)
    through = Agreement.capabilities.through.objects.filter(agreement_id__in=ids)
    for agreement, pk, slug, name in through.values_list(
        "agreement_id", "capability_id", "capability__slug", "capability__name"
    ):
        capabilities[agreement].append({"id": pk, "slug": slug, "name": name})
    columns = ["agreement_id", "id", "role", "organization_id", "organization__slug", "organization__name"]
    for agreement, pk, role, org, slug, name, country in AgreementParty.objects.filter(
        agreement_id__in=ids
    ).values_list(*columns, "organization__country"):
        parties[agreement].append(
            {"id": pk, "organization": {"id": org, "slug": slug, "name": name, "country": country}, "role": role}
        )
    for r in rows:
        r |= {
            "programme_manager": r.pop("programme_manager__username"),
            "budget": str(r["budget"]),
            "allowed_transitions": TRANSITIONS[r["status"]],
            "capabilities": capabilities[r["id"]],
            "parties": parties[r["id"]],
        }
    return orjson.dumps({"count": None, "next": None, "previous": None, "results": rows})


def next_page(response) -> str | None:
    body = response.json()
    if isinstance(body, dict) and body.get("next"):
        return body["next"]
    link = response.headers.get("Link", "")
    return next((part.split(";")[0].strip("<> ") for part in link.split(",") if 'rel="next"' in part), None)


def api_rows(repeats: int) -> None:
    url = reverse("api-agreements")
    staff, partner = api_client(user="bench"), api_client(organization=PARTNER)
    partner_agreements = Agreement.objects.visible_to(Actor(organization=Organization.objects.get(slug=PARTNER)))
    for who, client, visible in (("staff", staff, Agreement.objects.all()), ("partner", partner, partner_agreements)):
        measured, floor = side_by_side(
            lambda client=client: get(client, url, page_size=PAGE),
            lambda visible=visible: values_page(visible),
            repeats,
        )
        row(f"API agreements list, page of {PAGE} ({who})", measured, floor, "≤ 2×")
    deep, page = get(staff, url, page_size=PAGE), 1
    first = deep.wsgi_request.get_full_path()
    while page < DEEP_PAGE and next_page(deep):
        deep, page = get(staff, next_page(deep)), page + 1
    deep_url = deep.wsgi_request.get_full_path()
    measured, floor = side_by_side(lambda: get(staff, deep_url), lambda: get(staff, first), repeats)
    row(f"API agreements list, page {page} vs page 1 (staff)", measured, floor, "≤ 1.2×")
    counts = []
    for size in PAGE_SIZES:
        with CaptureQueriesContext(connection) as queries:
            get(staff, url, page_size=size)
        counts.append(str(len(queries)))
    sizes = " / ".join(map(str, PAGE_SIZES))
    line(f"API agreements list, queries at page size {sizes}", " / ".join(counts), "constant", "")


DASHBOARD_FLOOR = """
SELECT o.country, c.currency, c.status, SUM(c.amount) FROM {commitment} c
  JOIN {organization} o ON o.id = c.funder_id JOIN {agreement} a ON a.id = c.agreement_id
 WHERE a.status <> 'terminated' AND c.status <> 'cancelled' GROUP BY 1, 2, 3;
SELECT o.country, c.currency, SUM(d.amount) FROM {disbursement} d JOIN {commitment} c ON c.id = d.commitment_id
  JOIN {organization} o ON o.id = c.funder_id JOIN {agreement} a ON a.id = c.agreement_id
 WHERE a.status <> 'terminated' GROUP BY 1, 2;
SELECT ac.capability_id, c.currency, c.status, SUM(c.amount) FROM {commitment} c
  JOIN {capabilities} ac ON ac.agreement_id = c.agreement_id JOIN {agreement} a ON a.id = c.agreement_id
 WHERE a.status <> 'terminated' AND c.status <> 'cancelled' GROUP BY 1, 2, 3;
SELECT ac.capability_id, c.currency, SUM(d.amount) FROM {disbursement} d JOIN {commitment} c ON c.id = d.commitment_id
  JOIN {capabilities} ac ON ac.agreement_id = c.agreement_id JOIN {agreement} a ON a.id = c.agreement_id
 WHERE a.status <> 'terminated' GROUP BY 1, 2;
SELECT a.currency, SUM(a.budget), COUNT(*) FROM {agreement} a WHERE a.status <> 'terminated' GROUP BY 1;
SELECT ac.capability_id, a.currency, SUM(a.budget) FROM {agreement} a JOIN {capabilities} ac ON ac.agreement_id = a.id
 WHERE a.status <> 'terminated' GROUP BY 1, 2;
SELECT date_trunc('month', c.pledged_on), c.currency, c.status, SUM(c.amount) FROM {commitment} c
  JOIN {agreement} a ON a.id = c.agreement_id
 WHERE a.status <> 'terminated' AND c.status <> 'cancelled' GROUP BY 1, 2, 3;
SELECT date_trunc('month', d.disbursed_on), c.currency, SUM(d.amount) FROM {disbursement} d
  JOIN {commitment} c ON c.id = d.commitment_id JOIN {agreement} a ON a.id = c.agreement_id
 WHERE a.status <> 'terminated' GROUP BY 1, 2
"""


def dashboard_floor() -> None:
    """The grouped SQL that yields the dashboard's totals: by currency, status, capability, funder country and month."""
    tables = {
        "agreement": Agreement._meta.db_table,
        "commitment": FundingCommitment._meta.db_table,
        "disbursement": Disbursement._meta.db_table,
        "organization": Organization._meta.db_table,
        "capabilities": Agreement.capabilities.through._meta.db_table,
    }
    with connection.cursor() as cursor:
        for statement in DASHBOARD_FLOOR.format(**tables).split(";"):
            cursor.execute(statement)
            cursor.fetchall()


def dashboard_row(repeats: int) -> None:
    client = Client()
    client.force_login(get_user_model().objects.get(username="bench"))
    url = reverse("dashboard")
    measured, floor = side_by_side(lambda: get(client, url), dashboard_floor, repeats)
    row("dashboard vs its grouped SQL", measured, floor, "≤ 2×")


def digest_row(digests: int, rounds: int, sink: MailSink) -> None:
    """`send_digests` (tasks run in this process) into a local SMTP server, vs the same mail over one connection.

    Each round starts from a clean delivery log with no section rendered yet, as a new period's digests do.
    Beside the rates, the CPU time this process spent per message on each (the server runs in a process of
    its own): on a loaded machine the rates follow the CPU the process is given.
    """
    chosen = list(producer_contacts().order_by("pk").values_list("pk", flat=True)[:digests])
    Recipient.objects.update(digest_frequency="off")
    Recipient.objects.filter(pk__in=chosen).update(digest_frequency="daily")
    celery_app.conf.update(broker_url="memory://localhost/", task_always_eager=True, task_eager_propagates=True)
    sink.serve_django()
    freeze_startup_objects()  # as a worker process does when it starts
    measured = []
    # The portfolio's new money is news for a day after it was built: the digests are sent an hour after
    # it, whenever that was, so that every run sends the same news.
    built = FundingCommitment.objects.aggregate(built=Max("created_at"))["built"]

    def send_digests() -> None:
        with time_machine.travel(built + timedelta(hours=1), tick=True):
            call_command("send_digests", frequency="daily", stdout=StringIO())

    for _ in range(rounds):
        Delivery.objects.filter(kind="digest").delete()
        digest_email.RENDERED_SECTIONS.clear()
        run = sink.measure(send_digests)
        if not run.messages:
            raise SystemExit("send_digests sent nothing: no digest to measure.")
        sent = len(run.messages)
        measured.append(
            (sent / run.seconds, sent / run.floor, run.cpu / sent, run.floor_cpu / sent, run.seconds / run.floor)
        )
    rate, floor_rate, cpu, floor_cpu, ratio = (statistics.median(column) for column in zip(*measured, strict=True))
    size = statistics.mean(len(content) for _, _, content in run.messages)
    line(
        f"digests into a local SMTP server ({sent} sent of {len(chosen)} due, {rounds} rounds)",
        f"{ratio:.2f}×",
        "≥ 200/s",
        f"{rate:.1f}/s vs {floor_rate:.0f}/s over one connection, {size / 1024:.0f} KiB each;"
        f" CPU {cpu * 1000:.1f} ms vs {floor_cpu * 1000:.1f} ms a message",
    )


def reminder_row(repeats: int) -> None:
    """The daily scan for milestones the reminder rules fire on, over every milestone."""
    today = timezone.localdate()
    scan = getattr(reminders, "reminders_due", None)
    if scan is None:
        line("reminder scan", "", "< 0.5 s", "(no reminders_due to time)")
        return
    times = []
    for _ in range(repeats + 1):
        started = time.perf_counter()
        due = scan(today)
        times.append(time.perf_counter() - started)
    milestones = Shape.in_database().milestones
    line(
        f"reminder scan of {milestones:,} milestones ({len(due):,} due)",
        "",
        "< 0.5 s",
        f"{statistics.median(times[1:]):.2f} s",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agreements", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--digests", type=int, default=200, help="how many digests to send")
    parser.add_argument("--rounds", type=int, default=5, help="how many times to send them (each beside its floor)")
    parser.add_argument("--rebuild", action="store_true", help="build the portfolio again even if it is there")
    parser.add_argument(
        "--only", nargs="+", choices=["api", "dashboard", "digests", "reminders"], help="these rows only"
    )
    args = parser.parse_args()
    with MailSink() as sink:  # before the database connection opens, so the forked server holds none
        prepare(args.agreements, rebuild=args.rebuild)
        version = connection.pg_version if connection.vendor == "postgresql" else ""
        line(f"{connection.vendor} {version}", "ratio", "goal", "absolute (medians)")
        rows = {
            "api": lambda: api_rows(args.repeats),
            "dashboard": lambda: dashboard_row(args.repeats),
            "digests": lambda: digest_row(args.digests, args.rounds, sink),
            "reminders": lambda: reminder_row(args.repeats),
        }
        for name in args.only or rows:
            rows[name]()


if __name__ == "__main__":
    main()
