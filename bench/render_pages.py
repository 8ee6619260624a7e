"""Render time of the dashboard, the agreements list and an agreement page with a large portfolio.

Builds the portfolio of bench/portfolio.py with N agreements (default 10,000) in a throwaway
database (test_<name>, dropped afterwards), then times each page through Django's test
client and prints the median, the fastest and the query count. Run with DATABASE_URL set to PostgreSQL:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker python bench/render_pages.py [--agreements N]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from bench.portfolio import Shape, build_portfolio  # noqa: E402
from projects.models import Agreement  # noqa: E402
from projects.selectors import IN_PORTFOLIO, portfolio_funding  # noqa: E402


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
        build_portfolio(args.agreements)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"built {Shape.in_database()} in {time.perf_counter() - start:.1f} s on {connection.vendor}")
        agreement = Agreement.objects.order_by("reference")[args.agreements // 2]
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
            portfolio_funding(IN_PORTFOLIO, by=("capability", "funder"), leave_out_unconvertible=True)
            selector.append(time.perf_counter() - start)
        print(f"{'(of which portfolio_funding selector)':40} {statistics.median(selector) * 1000:10.0f}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
