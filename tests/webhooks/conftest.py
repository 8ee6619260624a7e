"""Webhook test fixtures: a real receiver, settings that let it be reached, and two partners' worlds."""

from __future__ import annotations

import itertools

import pytest

from projects.actors import Actor
from projects.api.tokens import issue_token
from projects.services import milestones
from projects.webhooks.choices import EventType
from projects.webhooks.services import subscribe
from tests.api.conftest import partner_world
from tests.webhooks.receiver import Receiver

ALL_EVENTS = list(EventType.values)


@pytest.fixture(autouse=True)
def _reachable_test_receivers(settings):
    """The receivers listen on plain http at loopback addresses; retries are immediate unless a test says."""
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True
    settings.WEBHOOK_REQUIRE_HTTPS = False
    settings.WEBHOOK_RETRY_SCHEDULE = [0.0, 0.0, 0.0]
    settings.WEBHOOK_TIMEOUT = 2.0


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.stop()


@pytest.fixture
def change(staff, django_capture_on_commit_callbacks):
    """Make `count` changes to a milestone, each one event, and run what their commits queue."""
    numbers = itertools.count(1)

    def changed(milestone, count: int = 1, title: str = "Batch {n} delivered"):
        for _ in range(count):
            with django_capture_on_commit_callbacks(execute=True):
                milestones.update_milestone(actor=staff, milestone_id=milestone.pk, title=title.format(n=next(numbers)))

    return changed


@pytest.fixture
def alpha(db):
    return partner_world("Alpha Dynamics")


@pytest.fixture
def bravo(db):
    return partner_world("Bravo Munitions")


def token(**owner) -> str:
    """A write token's secret for an organisation or a user."""
    return issue_token(actor=Actor.system(), scope=owner.pop("scope", "write"), **owner)[1]


def subscribed(organization, url: str, events=None):
    """A partner's endpoint and its secret."""
    return subscribe(actor=Actor(organization=organization), url=url, events=events or ALL_EVENTS)
