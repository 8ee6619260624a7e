"""A programme manager's digest lists the open alerts of the agreements they manage, and only those."""

import datetime

import pytest
from django.core import mail

from projects.actors import Actor
from projects.alerts.models import Alert, AlertKind
from projects.alerts.services import acknowledge_alert, evaluate_alerts
from projects.notifications.models import DigestFrequency
from projects.notifications.planning import plan_digests
from tests.factories import AgreementFactory, MilestoneFactory, StaffUserFactory

pytestmark = pytest.mark.usefixtures("alert_rules")


def test_the_managers_digest_lists_open_alerts_and_the_others_do_not(programme, django_capture_on_commit_callbacks):
    today = programme.today
    MilestoneFactory(
        agreement=programme.agreement, title="Test range certified", due_on=today - datetime.timedelta(days=20)
    )
    elsewhere = AgreementFactory(programme_manager=StaffUserFactory(email="taras@mod.example"))
    MilestoneFactory(agreement=elsewhere, title="Someone else's milestone", due_on=today - datetime.timedelta(days=20))
    MilestoneFactory(
        agreement=programme.agreement, title="Acknowledged one", due_on=today - datetime.timedelta(days=30)
    )
    evaluate_alerts(actor=Actor.system(), today=today)
    acknowledge_alert(
        actor=Actor(user=programme.manager),
        alert_id=Alert.objects.get(kind=AlertKind.OVERDUE_MILESTONE, subject_label="Acknowledged one").pk,
    )

    with django_capture_on_commit_callbacks(execute=True):
        plan_digests(DigestFrequency.WEEKLY, today)

    by_address = {message.to[0].split("<")[1].rstrip(">"): message for message in mail.outbox}
    manager = by_address["petra@mod.example"]
    html = manager.alternatives[0][0]
    assert manager.subject.endswith(", 2 open alerts")  # the milestone, and no status report since it started
    assert "OPEN ALERTS on the agreements you manage" in manager.body
    assert "  - Milestone long overdue: UA-GB-2026-001, Test range certified, since " in manager.body
    assert (
        "  - No status report: UA-GB-2026-001, UA-GB-2026-001 Interceptor drone co-production, since " in manager.body
    )
    assert "Milestone long overdue: <a" in html and "Test range certified, since" in html
    assert "Acknowledged one, since" not in manager.body + html
    assert "Someone else's milestone" not in manager.body
    for address in ("oleh@mod.example", "olena@drone-works.example"):
        assert "OPEN ALERTS" not in by_address[address].body and "open alert" not in by_address[address].subject
