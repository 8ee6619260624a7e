"""Fixtures of the web UI tests: the demo portfolio, signed-in clients for each role."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _fresh_login_throttle():
    """Failed sign-ins are counted in the cache, which outlives a test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def demo(db):
    """The demo portfolio of `seed_demo`, with its logins manager, viewer and admin."""
    call_command("seed_demo", stdout=StringIO())


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def manager_client(staff_user) -> Client:
    return signed_in(staff_user)


@pytest.fixture
def viewer(db):
    return UserFactory(username="viewer-account")


@pytest.fixture
def viewer_client(viewer) -> Client:
    return signed_in(viewer)


@pytest.fixture
def demo_manager_client(demo) -> Client:
    return signed_in(get_user_model().objects.get(username="manager"))
