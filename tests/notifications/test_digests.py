"""Status digests: what they say, that empty ones are not sent, once per period, in constant queries."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from projects.actors import Actor
from projects.alerts.models import AlertKind, AlertRule
from projects.alerts.services import evaluate_alerts
from projects.choices import AgreementStatus, CommitmentStatus, MilestoneStatus, Rag
from projects.notifications.delivery import deliver_batch
from projects.notifications.models import Delivery, DeliveryStatus, DigestFrequency, Recipient
from projects.notifications.planning import plan_digests
from projects.notifications.recipients import involved_user_ids
from projects.services.agreements import transition_agreement
from tests.factories import (
    AgreementFactory,
    CommitmentFactory,
    DisbursementFactory,
    MilestoneFactory,
    StaffUserFactory,
    StatusReportFactory,
    UserFactory,
)

DAY = datetime.timedelta(days=1)


def busy_week(programme):
    """A week's worth of news on the programme's agreement."""
    agreement, producer, today = programme.agreement, programme.producer, programme.today
    transition_agreement(
        actor=Actor(user=programme.manager),
        agreement_id=agreement.pk,
        to_status=AgreementStatus.SUSPENDED,
        reason="Export licence under review",
    )
    MilestoneFactory(
        agreement=agreement,
        responsible=producer,
        title="Test range certified",
        status=MilestoneStatus.DONE,
        completed_on=today,
        due_on=today,
    )
    MilestoneFactory(agreement=agreement, responsible=producer, title="Operators trained", due_on=today - 3 * DAY)
    commitment = CommitmentFactory(
        agreement=agreement, amount=Decimal("250000.00"), funder__name="UK Ministry of Defence", funder__slug="uk-mod"
    )
    DisbursementFactory(commitment=commitment, amount=Decimal("50000.00"), disbursed_on=today)
    StatusReportFactory(
        agreement=agreement,
        author=programme.manager,
        rag=Rag.AMBER,
        reported_on=today,
        summary="Line running at 60% of plan.",
    )


def test_digest_reports_each_agreements_news_with_a_portfolio_headline(programme, django_capture_on_commit_callbacks):
    busy_week(programme)
    Recipient.objects.filter(contact=programme.contact).update(digest_frequency=DigestFrequency.DAILY)

    with django_capture_on_commit_callbacks(execute=True):
        plan_digests(DigestFrequency.WEEKLY, programme.today)

    assert sorted(m.to[0] for m in mail.outbox) == [
        "Oleh Owner <oleh@mod.example>",
        "Petra Manager <petra@mod.example>",
    ]
    message = next(m for m in mail.outbox if "petra" in m.to[0])
    assert (
        message.subject
        == f"Weekly digest {programme.today.day} {programme.today:%b %Y}: 1 agreement with news, 1 milestone overdue"
    )
    text = message.body
    for expected in [
        "YOUR PORTFOLIO: 1 agreement, 1 with news; 1 milestone overdue, 1 due in the next 14 days.",
        "Budget 1,000,000.00 EUR, committed 250,000.00, funding gap 750,000.00 EUR (75% unfunded).",
        "== UA-GB-2026-001 Interceptor drone co-production (Suspended, AMBER)",
        "Active -> Suspended on",
        "Export licence under review",
        "Overdue:\n  - Operators trained",
        "Due in the next 14 days:\n  - First 1,000 interceptors delivered",
        "Completed:\n  - Test range certified",
        "New funding:\n  - UK Ministry of Defence: 250,000.00 EUR (committed)",
        "New disbursements:\n  - UK Ministry of Defence: 50,000.00 EUR",
        "Funding gap: 750,000.00 EUR (75% of the budget unfunded)",
        "Latest status report",
        "Line running at 60% of plan.",
    ]:
        assert expected in text, expected
    html, _ = message.alternatives[0]
    assert "Operators trained" in html and "AMBER" in html and "750,000.00" in html
    assert "<link" not in html and "<img" not in html and "<style" not in html  # inline styles, no external assets
    assert message.extra_headers["List-Unsubscribe"].startswith("<http://127.0.0.1:8000/unsubscribe/")


def test_empty_digests_are_not_sent(programme, django_capture_on_commit_callbacks):
    programme.milestone.due_on = programme.today + 30 * DAY  # nothing due soon, nothing new
    programme.milestone.save(update_fields=["due_on"])
    with django_capture_on_commit_callbacks(execute=True):
        plan_digests(DigestFrequency.WEEKLY, programme.today)
    assert mail.outbox == []
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SKIPPED}


def test_one_digest_per_period_and_none_for_recipients_who_turned_it_off(programme, django_capture_on_commit_callbacks):
    Recipient.objects.filter(contact=programme.contact).update(digest_frequency=DigestFrequency.OFF)
    with django_capture_on_commit_callbacks(execute=True):
        plan_digests(DigestFrequency.WEEKLY, programme.today)
    assert len(mail.outbox) == 2 and "olena" not in " ".join(m.to[0] for m in mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        plan_digests(DigestFrequency.WEEKLY, programme.today)  # beat fired twice
    assert len(mail.outbox) == 2


def test_a_later_batch_shows_an_agreements_news_as_it_stands_not_as_an_earlier_batch_rendered_it(
    programme, django_capture_on_commit_callbacks
):
    """Sections are rendered once for the batches of a process that show the same news, never reused for other news."""
    Recipient.objects.filter(contact=programme.contact).update(language="uk")
    with django_capture_on_commit_callbacks():
        ids = plan_digests(DigestFrequency.WEEKLY, programme.today)
    managers = Delivery.objects.filter(pk__in=ids, recipient__user=programme.manager).values_list("pk", flat=True)
    deliver_batch(managers)
    MilestoneFactory(
        agreement=programme.agreement,
        responsible=programme.producer,
        title="Second assembly line commissioned",
        status=MilestoneStatus.DONE,
        completed_on=programme.today,
        due_on=programme.today,
    )
    deliver_batch(ids)

    first, *later = mail.outbox
    assert "petra" in first.to[0] and "Second assembly line commissioned" not in first.body
    assert sorted(m.to[0] for m in later) == [
        "Oleh Owner <oleh@mod.example>",
        "Olena Koval <olena@drone-works.example>",
    ]
    assert all("Second assembly line commissioned" in m.body for m in later)
    english, ukrainian = sorted(later, key=lambda m: "olena" in m.to[0])
    assert "Completed:" in english.body and "Завершено:" in ukrainian.body and "Completed:" not in ukrainian.body
    assert "(Active" in english.body and "(Виконується" in ukrainian.body  # the agreement's status, in each language


def follow_agreements(recipient, agreements: int, today) -> None:
    """Agreements with news of every kind, managed by the recipient's user."""
    for n in range(agreements):
        agreement = AgreementFactory(status=AgreementStatus.ACTIVE, signed_on=today, programme_manager=recipient.user)
        MilestoneFactory(agreement=agreement, due_on=today + 3 * DAY)
        MilestoneFactory(agreement=agreement, due_on=today - 3 * DAY, owner=recipient.user)
        MilestoneFactory(agreement=agreement, due_on=today, status=MilestoneStatus.DONE, completed_on=today)
        commitment = CommitmentFactory(agreement=agreement, status=CommitmentStatus.COMMITTED)
        DisbursementFactory(commitment=commitment)
        CommitmentFactory(agreement=agreement, status=CommitmentStatus.PLEDGED, funder=commitment.funder)
        StatusReportFactory(agreement=agreement, rag=Rag.RED if n % 2 else Rag.GREEN)


def batch_queries(recipients: int, agreements_each: int, today) -> int:
    """Queries to build, render and send one batch of digests (each recipient with its own agreements)."""
    ids = []
    for _ in range(recipients):
        recipient = Recipient.objects.create(user=StaffUserFactory())
        follow_agreements(recipient, agreements_each, today)
        ids.append(Delivery.objects.create(recipient=recipient, kind="digest", period="weekly", on_date=today).pk)
    AlertRule.objects.filter(kind=AlertKind.OVERDUE_MILESTONE).update(days=1)
    evaluate_alerts(actor=Actor.system(), today=today)  # each overdue milestone raises an alert for its manager
    with CaptureQueriesContext(connection) as queries:
        outcome = deliver_batch(ids)
    assert outcome == {DeliveryStatus.SENT: recipients} and len(mail.outbox) == recipients
    assert all(f"{agreements_each} agreements with news" in m.subject for m in mail.outbox)
    # each agreement: its milestone 3 days overdue, and its report of 15 January older than 45 days
    assert all(m.subject.endswith(f", {2 * agreements_each} open alerts") for m in mail.outbox)
    return len(queries)


@pytest.mark.django_db(transaction=True)  # each message commits on its own, as in production
@pytest.mark.usefixtures("alert_rules")
@pytest.mark.parametrize(("recipients", "agreements_each", "queries"), [(2, 2, 13 + 3 * 2), (12, 5, 13 + 3 * 12)])
def test_a_digest_batch_costs_one_set_of_queries_plus_one_claim_per_message(recipients, agreements_each, queries):
    """Loading, building, the open alerts and the funding figures are shared by the batch; each message is claimed
    as it is sent, in its own transaction (BEGIN, the claiming UPDATE, COMMIT)."""
    assert batch_queries(recipients, agreements_each, timezone.localdate()) == queries


def test_an_agreement_without_exchange_rate_blanks_only_its_followers_funding_figures(
    programme, django_capture_on_commit_callbacks
):
    """The batch computes funding once; a missing rate costs the figures of those who follow that agreement only."""
    taras = StaffUserFactory(email="taras@mod.example")
    krone = AgreementFactory(
        status=AgreementStatus.ACTIVE, signed_on=programme.today, programme_manager=taras, currency="NOK"
    )  # no NOK rate exists
    MilestoneFactory(agreement=krone, due_on=programme.today)

    with django_capture_on_commit_callbacks(execute=True):
        plan_digests(DigestFrequency.WEEKLY, programme.today)

    bodies = {m.to[0].split("<")[1].rstrip(">"): m.body for m in mail.outbox}
    assert "Funding figures unavailable: No exchange rate for NOK" in bodies["taras@mod.example"]
    assert (
        "Budget 1,000,000.00 EUR, committed 0.00, funding gap 1,000,000.00 EUR (100% unfunded)."
        in (bodies["petra@mod.example"])
    )


@pytest.mark.parametrize("agreements", [1, 5])
def test_planning_finds_the_managers_and_milestone_owners_to_address_in_one_query(agreements, db):
    manager, owner = StaffUserFactory(), UserFactory()
    without_email, inactive = StaffUserFactory(email=""), UserFactory(is_active=False)
    UserFactory()  # manages nothing, owns nothing
    for _ in range(agreements):
        agreement = AgreementFactory(programme_manager=manager)
        MilestoneFactory(agreement=agreement, owner=owner)
        MilestoneFactory(agreement=AgreementFactory(programme_manager=without_email), owner=inactive)

    with CaptureQueriesContext(connection) as queries:
        found = involved_user_ids()

    assert found == {manager.pk, owner.pk} and len(queries) == 1
