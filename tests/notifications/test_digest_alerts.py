"""A programme manager's digest lists the open alerts of the agreements they manage, and only those."""

import datetime

import pytest
from django.core import mail

from projects.actors import Actor
from projects.alerts.models import Alert, AlertKind
from projects.alerts.services import acknowledge_alert, evaluate_alerts
from projects.notifications.models import DigestFrequency, Recipient
from projects.notifications.planning import plan_digests
from tests.factories import AgreementFactory, CommitmentFactory, MilestoneFactory, OrganizationFactory, StaffUserFactory

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
        alert_id=Alert.objects.get(kind=AlertKind.OVERDUE_MILESTONE, subject_facts__title="Acknowledged one").pk,
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


def test_a_digest_words_its_alerts_in_its_readers_language(programme, django_capture_on_commit_callbacks):
    today = programme.today
    funder = OrganizationFactory(name="Ministry of Defence", name_uk="Міністерство оборони")
    CommitmentFactory(
        agreement=programme.agreement, funder=funder, amount="1234567.50", pledged_on=today - datetime.timedelta(60)
    )
    Recipient.objects.update_or_create(user=programme.manager, defaults={"language": "uk"})
    evaluate_alerts(actor=Actor.system(), today=today)

    with django_capture_on_commit_callbacks(execute=True):
        plan_digests(DigestFrequency.WEEKLY, today)

    (digest,) = [message for message in mail.outbox if "petra@mod.example" in message.to[0]]
    assert "  - Зобов’язано, не виплачено: UA-GB-2026-001, Міністерство оборони: 1\xa0234\xa0567,50 EUR" in digest.body
    assert "Committed, not disbursed" not in digest.body + digest.alternatives[0][0]
