"""Measure what webhooks add to a write, and the tracker's own cost of one delivery attempt.

Builds a small portfolio in a throwaway database (bench_webhooks, created and dropped here), then:
  1. times `update_milestone` with no endpoint listening, with one, and with twenty, and counts the
     queries of each call (the event's body and deliveries are written in the change's transaction);
  2. attempts every delivery written in 1. in this process (what each worker task does) against a
     local HTTP receiver on 127.0.0.1:8443 that answers 204 at once, timing each attempt.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker python bench/webhooks.py [--changes 200]
"""

import argparse
import os
import statistics
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from projects.actors import Actor  # noqa: E402
from projects.models import Agreement, AgreementParty, Milestone, Organization  # noqa: E402
from projects.services.milestones import update_milestone  # noqa: E402
from projects.webhooks.delivery import attempt  # noqa: E402
from projects.webhooks.models import Delivery, Endpoint  # noqa: E402
from projects.webhooks.services import subscribe  # noqa: E402
from tracker.celery import app as celery_app  # noqa: E402

RECEIVER = ("127.0.0.1", 8443)


class Counter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class Accept(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length") or 0))
        self.send_response(204)
        self.end_headers()

    def log_message(self, format, *args):
        pass


def timed_changes(staff: Actor, milestone: Milestone, changes: int, label: str) -> None:
    latencies, queries = [], []
    for n in range(changes):
        counter = Counter()
        with connection.execute_wrapper(counter):
            tick = time.perf_counter()
            update_milestone(actor=staff, milestone_id=milestone.pk, title=f"{label} {n}")
            latencies.append((time.perf_counter() - tick) * 1000)
        queries.append(counter.count)
    print(
        f"  {label:<28} {statistics.mean(latencies):6.2f} ms mean, {statistics.median(latencies):6.2f} ms median, "
        f"{statistics.mean(queries):4.1f} queries per change"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=200)
    args = parser.parse_args()

    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = "bench_webhooks"
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    celery_app.conf.update(broker_url="memory://", task_always_eager=False)
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS, settings.WEBHOOK_REQUIRE_HTTPS = True, False
    server = ThreadingHTTPServer(RECEIVER, Accept)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        staff = Actor(user=get_user_model().objects.create(username="bench-manager", is_staff=True))
        partner = Organization.objects.create(name="Bench partner", slug="bench-partner", kind="company", country="UA")
        agreement = Agreement.objects.create(
            reference="BENCH-1", title="Bench", kind="co_production", currency="EUR", budget=1
        )
        AgreementParty.objects.create(agreement=agreement, organization=partner, role="producer")
        milestone = Milestone.objects.create(
            agreement=agreement, title="Bench", due_on=timezone.localdate(), responsible=partner
        )
        url = f"http://{RECEIVER[0]}:{RECEIVER[1]}/hook"

        print(f"1. {args.changes} milestone changes each:")
        timed_changes(staff, milestone, args.changes, "nobody listening")
        subscribe(actor=Actor(organization=partner), url=url, events=["milestone.updated"])
        timed_changes(staff, milestone, args.changes, "1 endpoint listening")
        for _ in range(19):
            subscribe(actor=Actor(organization=partner), url=url, events=["milestone.updated"])
        timed_changes(staff, milestone, args.changes, "20 endpoints listening")

        ids = list(Delivery.objects.order_by("pk").values_list("pk", flat=True))
        latencies = []
        for delivery_id in ids:
            tick = time.perf_counter()
            attempt(delivery_id)
            latencies.append((time.perf_counter() - tick) * 1000)
        p95 = sorted(latencies)[int(len(latencies) * 0.95)]
        succeeded = Delivery.objects.filter(status="succeeded").count()
        print(
            f"2. {len(ids)} delivery attempts to a local receiver: {statistics.mean(latencies):.2f} ms mean, "
            f"{statistics.median(latencies):.2f} ms median, {p95:.2f} ms p95; "
            f"{succeeded} succeeded across {Endpoint.objects.count()} endpoints"
        )
    finally:
        server.shutdown()
        connection.creation.destroy_test_db("bench_webhooks", verbosity=0)


if __name__ == "__main__":
    main()
