"""Time the API lists on a portfolio of many agreements, in a throwaway test database.

    DATABASE_URL=postgres://… python bench/api_lists.py [AGREEMENTS]

Prints, per list and page size, the median time of a request and its number of queries.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import utils as test_utils  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

ROUTES = ["agreements", "commitments", "disbursements", "milestones", "status-reports", "organizations"]


def build(count: int) -> str:
    from django.contrib.auth import get_user_model

    from bench.portfolio import build_portfolio
    from projects.actors import Actor
    from projects.api.tokens import issue_token

    build_portfolio(count)
    return issue_token(actor=Actor.system(), scope="read", user=get_user_model().objects.get(username="bench"))[1]


def main(count: int) -> None:
    test_utils.setup_test_environment()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"api": "1000000/minute"}}
    databases = test_utils.setup_databases(verbosity=0, interactive=False)
    try:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {build(count)}")
        print(f"{count} agreements of the benchmark portfolio (bench/portfolio.py)")
        for route in ROUTES:
            for size in (1, 50, 100):
                timings = []
                for _ in range(7):
                    started = time.perf_counter()
                    with test_utils.CaptureQueriesContext(connection) as queries:
                        client.get(f"/api/v1/{route}/", {"page_size": size})
                    timings.append(time.perf_counter() - started)
                median = statistics.median(timings) * 1000
                print(f"  {route:15} page_size={size:3}: {median:7.1f} ms, {len(queries)} queries")
    finally:
        test_utils.teardown_databases(databases, verbosity=0)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
