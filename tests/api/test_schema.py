"""The OpenAPI schema: valid, complete enough for client generation, honoured by the live server.

Schemathesis generates requests for every operation from the schema and sends them, with a staff
token, to a real server (pytest-django's live_server over PostgreSQL): no server errors, and every
status, content type, header and body must be the documented ones.
"""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO

import pytest
import schemathesis
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from projects.actors import Actor
from projects.api.tokens import issue_token
from tests.api.conftest import partner_world
from tests.brokers import celery_configured
from tests.factories import StaffUserFactory

EXAMPLES_PER_OPERATION = 15
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def staff_token(transactional_db, settings) -> Iterator[str]:
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"api": "100000/minute"}}
    partner_world("Live Alpha")
    partner_world("Live Bravo")
    _, raw = issue_token(actor=Actor.system(), scope="write", user=StaffUserFactory())
    # Generated webhook URLs may name real hosts: their deliveries stay queued on a broker no worker reads.
    with celery_configured(broker_url="memory://", task_always_eager=False):
        yield raw


def aim_at_existing_records(case, known_ids: list[int]) -> None:
    """Send half of the generated ids to records that exist, so reads and writes get past the 404."""
    for name, value in (case.path_parameters or {}).items():
        if isinstance(value, int) and not isinstance(value, bool) and value % 2 == 0 and known_ids:
            case.path_parameters[name] = known_ids[value // 2 % len(known_ids)]


@pytest.mark.postgres
def test_every_operation_of_the_live_schema_conforms(live_server, staff_token):
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/schema/")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 35
    known_ids = sorted(
        {
            pk
            for model in apps.get_app_config("projects").get_models()
            for pk in model.objects.values_list("pk", flat=True)
        }
    )

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def conforms(case):
            aim_at_existing_records(case, known_ids)
            case.call_and_validate(headers={"Authorization": f"Bearer {staff_token}"}, checks=CHECKS)

        conforms()


def test_the_schema_is_valid_openapi_without_generation_warnings(db):
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=StringIO())


def test_the_schema_documents_auth_errors_concurrency_headers_and_filters(db, client):
    document = client.get(reverse("api-schema"), {"format": "json"}).json()
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": document["components"]["securitySchemes"]["bearerAuth"]["description"],
    }
    paths = document["paths"]
    patch = paths["/api/v1/milestones/{id}/"]["patch"]
    assert "If-Match" in [p["name"] for p in patch["parameters"]]
    assert "application/problem+json" in patch["responses"]["412"]["content"]
    assert "ETag" in patch["responses"]["200"]["headers"]
    post = paths["/api/v1/disbursements/"]["post"]
    assert "Idempotency-Key" in [p["name"] for p in post["parameters"]]
    assert {"401", "403", "404", "422", "429"} <= set(post["responses"])
    listed = {p["name"] for p in paths["/api/v1/agreements/"]["get"]["parameters"]}
    assert {
        "status",
        "kind",
        "capability",
        "party",
        "country",
        "search",
        "updated_after",
        "page",
        "page_size",
    } <= listed
    milestone_filters = {p["name"] for p in paths["/api/v1/milestones/"]["get"]["parameters"]}
    assert {"due_before", "due_after", "overdue", "agreement", "status"} <= milestone_filters


def test_the_interactive_docs_load_their_assets_locally(db, client):
    page = client.get(reverse("api-docs"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist" in html
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()


def test_every_operation_documents_that_an_over_long_url_is_refused(db, client):
    """The front server answers 414 before the application sees the request; clients must expect it."""
    document = client.get(reverse("api-schema"), {"format": "json"}).json()
    operations = [op for path in document["paths"].values() for op in path.values() if isinstance(op, dict)]
    assert operations and all("414" in op["responses"] for op in operations)
