"""Each e-mail speaks its recipient's language: subject, text, dates and money, in one batch of several languages."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core import mail

from projects.models import Agreement, Organization
from projects.notifications.models import DigestFrequency, Recipient
from projects.notifications.planning import plan_digests, plan_reminders
from tests.factories import CommitmentFactory, DisbursementFactory
from tests.notifications.conftest import make_programme

UTC = datetime.UTC


@pytest.fixture
def programme_on_15_november(db, reminder_rules):
    """The programme's milestone then falls due on 29 November 2026, fourteen days later."""
    with time_machine.travel(datetime.datetime(2026, 11, 15, 7, 0, tzinfo=UTC)):
        yield make_programme()


def message_to(address: str):
    return next(message for message in mail.outbox if address in message.to[0])


def test_reminders_go_out_in_each_recipients_language(programme_on_15_november, django_capture_on_commit_callbacks):
    programme = programme_on_15_november
    Recipient.objects.filter(contact=programme.contact).update(language="uk")
    Recipient.objects.filter(user=programme.owner).update(language="en-gb")

    with django_capture_on_commit_callbacks(execute=True):
        plan_reminders(programme.today)

    ukrainian = message_to("olena@drone-works.example")
    assert ukrainian.subject == "[UA-GB-2026-001] Етап — строк через 14 днів: First 1,000 interceptors delivered"
    assert "Етап:" in ukrainian.body and "строк через 14 днів." in ukrainian.body
    assert "Строк:                 29 листопада 2026" in ukrainian.body
    assert "Відповідальна сторона: Kyiv Drone Works (виконавець: Oleh Owner)" in ukrainian.body
    assert "Припинити нагадування про етапи або змінити налаштування листів:" in ukrainian.body
    html, _ = ukrainian.alternatives[0]
    assert '<html lang="uk">' in html and "Відкрити етап" in html

    english = message_to("oleh@mod.example")
    assert english.subject == "[UA-GB-2026-001] Milestone due in 14 days: First 1,000 interceptors delivered"
    assert "Due:         29 November 2026" in english.body
    assert '<html lang="en-gb">' in english.alternatives[0][0]


def test_a_reminder_in_ukrainian_names_the_agreement_and_party_by_their_ukrainian_names(
    programme_on_15_november, django_capture_on_commit_callbacks
):
    programme = programme_on_15_november
    Agreement.objects.filter(pk=programme.agreement.pk).update(title_uk="Спільне виробництво дронів-перехоплювачів")
    Organization.objects.filter(pk=programme.producer.pk).update(name_uk="Київський завод дронів")
    Recipient.objects.filter(contact=programme.contact).update(language="uk")

    with django_capture_on_commit_callbacks(execute=True):
        plan_reminders(programme.today)

    ukrainian = message_to("olena@drone-works.example")
    assert "UA-GB-2026-001 Спільне виробництво дронів-перехоплювачів" in ukrainian.body
    assert "Відповідальна сторона: Київський завод дронів" in ukrainian.body
    english = message_to("oleh@mod.example")
    assert "UA-GB-2026-001 Interceptor drone co-production" in english.body
    assert "Kyiv Drone Works" in english.body


def test_a_digest_in_ukrainian_formats_money_and_dates_the_ukrainian_way(
    programme_on_15_november, django_capture_on_commit_callbacks
):
    programme = programme_on_15_november
    Recipient.objects.filter(contact=programme.contact).update(language="uk", digest_frequency=DigestFrequency.WEEKLY)
    commitment = CommitmentFactory(
        agreement=programme.agreement, amount=Decimal("234567.00"), funder__name="Norwegian MoD", funder__slug="no-mod"
    )
    with time_machine.travel(datetime.datetime(2026, 11, 29, 7, 0, tzinfo=UTC)):
        DisbursementFactory(commitment=commitment, amount=Decimal("1234.50"), disbursed_on=datetime.date(2026, 11, 27))
        with django_capture_on_commit_callbacks(execute=True):
            plan_digests(DigestFrequency.WEEKLY, datetime.date(2026, 11, 29))

    ukrainian = message_to("olena@drone-works.example")
    assert ukrainian.subject == "Щотижневе зведення 29 листопада 2026: 1 угода з новинами"
    text = ukrainian.body
    for expected in [
        "Щотижневе зведення, 29 листопада 2026",
        "ВАШ ПОРТФЕЛЬ: 1 угода, з новинами — 1;",
        "Бюджет 1\xa0000\xa0000,00 EUR, зобов’язано 234\xa0567,00, дефіцит фінансування 765\xa0433,00 EUR",
        "Нові виплати:\n  - Norwegian MoD: 1\xa0234,50 EUR 27 листопада 2026",
        "Строк у найближчі 14 дн.:\n  - First 1,000 interceptors delivered, строк — 29 листопада 2026",
    ]:
        assert expected in text, expected
    english = message_to("petra@mod.example")
    assert english.subject == "Weekly digest 29 Nov 2026: 1 agreement with news"
    assert "Budget 1,000,000.00 EUR, committed 234,567.00, funding gap 765,433.00 EUR" in english.body


def test_a_digest_in_ukrainian_names_agreements_funders_and_parties_by_their_ukrainian_names(
    programme_on_15_november, django_capture_on_commit_callbacks
):
    programme = programme_on_15_november
    Agreement.objects.filter(pk=programme.agreement.pk).update(title_uk="Спільне виробництво дронів-перехоплювачів")
    Organization.objects.filter(pk=programme.producer.pk).update(name_uk="Київський завод дронів")
    Recipient.objects.filter(contact=programme.contact).update(language="uk", digest_frequency=DigestFrequency.WEEKLY)
    commitment = CommitmentFactory(
        agreement=programme.agreement,
        amount=Decimal("234567.00"),
        funder__name="Norwegian MoD",
        funder__name_uk="Міністерство оборони Норвегії",
        funder__slug="no-mod",
    )
    with time_machine.travel(datetime.datetime(2026, 11, 29, 7, 0, tzinfo=UTC)):
        DisbursementFactory(commitment=commitment, amount=Decimal("1234.50"), disbursed_on=datetime.date(2026, 11, 27))
        with django_capture_on_commit_callbacks(execute=True):
            plan_digests(DigestFrequency.WEEKLY, datetime.date(2026, 11, 29))

    ukrainian = message_to("olena@drone-works.example").body
    assert "UA-GB-2026-001 Спільне виробництво дронів-перехоплювачів (Виконується" in ukrainian
    assert "Міністерство оборони Норвегії: 1\xa0234,50 EUR" in ukrainian
    assert "Київський завод дронів" in ukrainian
    english = message_to("petra@mod.example").body
    assert "UA-GB-2026-001 Interceptor drone co-production" in english
    assert "Norwegian MoD: 1,234.50 EUR" in english and "Kyiv Drone Works" in english
