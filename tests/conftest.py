"""Test settings and shared fixtures.

Unit tests run tasks eagerly on kombu's in-memory broker. Tests marked `postgres` need real
PostgreSQL commits or locks: they are skipped on SQLite locally but fail in CI (CI=true), where a
missing service must never pass for a green run.
"""

import os

import pytest
from django.conf import settings
from django.db import connection
from django.utils import translation

from projects.actors import Actor
from projects.alerts.models import AlertRule
from tests.factories import OrganizationFactory, StaffUserFactory
from tracker.celery import app as celery_app

IN_CI = os.environ.get("CI", "").lower() == "true"
# Celery lets this variable override its configuration; tests choose their broker themselves.
os.environ.pop("CELERY_BROKER_URL", None)


@pytest.fixture(autouse=True, scope="session")
def _eager_celery_on_memory_broker():
    celery_app.conf.update(broker_url="memory://", task_always_eager=True, task_eager_propagates=True)


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.BASE_CURRENCY = "EUR"
    # Users are created in most tests; a deliberately slow hasher would dominate the run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Tests of the money rules themselves write directly, as a single-manager deployment does;
    # tests of four-eyes approval turn it on with the `four_eyes` fixture.
    settings.FOUR_EYES_MONEY = False


@pytest.fixture
def four_eyes(settings):
    settings.FOUR_EYES_MONEY = True


@pytest.fixture
def second_staff(db) -> Actor:
    return Actor(user=StaffUserFactory(username="approver"))


def pytest_sessionstart(session):
    if IN_CI and not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise pytest.UsageError("CI=true needs DATABASE_URL pointing at PostgreSQL.")


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in English: a request in Ukrainian leaves its language active in the thread."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _require_postgres(request):
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        if IN_CI:
            pytest.fail("This test needs PostgreSQL, and CI must provide it.")
        pytest.skip("needs PostgreSQL (set DATABASE_URL=postgres://...)")


@pytest.fixture
def staff_user(db):
    return StaffUserFactory(username="manager")


@pytest.fixture
def staff(staff_user) -> Actor:
    return Actor(user=staff_user)


@pytest.fixture
def partner_org(db):
    return OrganizationFactory(name="Partner Works", slug="partner-works")


@pytest.fixture
def partner(partner_org) -> Actor:
    return Actor(organization=partner_org)


@pytest.fixture
def alert_rules(request):
    """The alert rules the migration creates (a transactional test flushes them, so recreate them)."""
    request.getfixturevalue("transactional_db" if "transactional_db" in request.fixturenames else "db")
    for kind, days in [
        ("undisbursed_commitment", 60),
        ("missing_status_report", 45),
        ("overdue_milestone", 14),
        ("period_without_actual", 7),
        ("waiting_change_request", 7),
    ]:
        AlertRule.objects.get_or_create(kind=kind, defaults={"days": days})
