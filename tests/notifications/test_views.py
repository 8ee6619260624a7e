"""Unsubscribe links work without logging in and change only what they say; the digest preview is staff-only."""

from datetime import timedelta

import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects.notifications.models import DigestFrequency, Recipient
from projects.notifications.planning import plan_reminders
from projects.notifications.unsubscribe import unsubscribe_url
from tests.factories import AgreementFactory, MilestoneFactory, UserFactory


def path_of(url: str) -> str:
    return url.removeprefix("http://127.0.0.1:8000")


def test_unsubscribe_link_asks_then_turns_the_digest_off_without_login(client, programme):
    recipient = Recipient.objects.get(contact=programme.contact)
    url = path_of(unsubscribe_url(recipient.pk, "digest"))

    page = client.get(url)
    recipient.refresh_from_db()
    assert page.status_code == 200 and "Stop the status digest?" in page.content.decode()
    assert recipient.digest_frequency == DigestFrequency.WEEKLY  # link scanners fetch links: GET changes nothing

    done = client.post(url)
    recipient.refresh_from_db()
    assert done.status_code == 200 and "You are unsubscribed" in done.content.decode()
    assert recipient.digest_frequency == DigestFrequency.OFF and recipient.reminders_enabled
    assert client.post(url).status_code == 200  # a second click is harmless


def test_one_click_unsubscribe_from_the_list_unsubscribe_header(client, programme, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        plan_reminders(programme.today)
    message = next(m for m in mail.outbox if "olena" in m.to[0])
    header_url = message.extra_headers["List-Unsubscribe"].strip("<>")

    response = client.post(path_of(header_url), {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert not Recipient.objects.get(contact=programme.contact).reminders_enabled
    assert Recipient.objects.get(user=programme.manager).reminders_enabled


def test_a_tampered_unsubscribe_link_is_refused_and_changes_nothing(client, programme):
    recipient = Recipient.objects.get(contact=programme.contact)
    url = path_of(unsubscribe_url(recipient.pk, "reminders"))
    response = client.post(url[:-3] + "xx/")
    assert response.status_code == 400 and "not valid" in response.content.decode()
    recipient.refresh_from_db()
    assert recipient.reminders_enabled


def test_staff_preview_a_recipients_digest_others_are_sent_to_login(client, programme):
    recipient = Recipient.objects.get(contact=programme.contact)
    url = f"/digests/preview/{recipient.pk}/"

    assert client.get(url).status_code == 302
    client.force_login(UserFactory())
    assert client.get(url).status_code == 302

    client.force_login(programme.manager)
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "UA-GB-2026-001 Interceptor drone co-production" in html and "First 1,000 interceptors delivered" in html
    text = client.get(url, {"format": "text"})
    assert text["Content-Type"].startswith("text/plain") and "Due in the next 14 days:" in text.content.decode()
    assert mail.outbox == []


def test_preview_says_when_nothing_would_be_sent(client, programme):
    programme.milestone.due_on = programme.today.replace(year=programme.today.year + 1)
    programme.milestone.save(update_fields=["due_on"])
    client.force_login(programme.manager)
    page = client.get(f"/digests/preview/{Recipient.objects.get(contact=programme.contact).pk}/")
    assert page.status_code == 200 and "empty digests are not sent" in page.content.decode()


def test_the_link_also_lets_a_contact_choose_a_daily_digest_and_no_reminders(client, programme):
    recipient = Recipient.objects.get(contact=programme.contact)
    url = path_of(unsubscribe_url(recipient.pk, "reminders"))
    assert 'value="weekly" selected' in client.get(url).content.decode()

    refused = client.post(url, {"digest_frequency": "hourly"})
    recipient.refresh_from_db()
    assert refused.status_code == 400 and recipient.digest_frequency == DigestFrequency.WEEKLY

    saved = client.post(url, {"digest_frequency": "daily"})
    recipient.refresh_from_db()
    assert saved.status_code == 200 and "Preferences saved" in saved.content.decode()
    assert (recipient.digest_frequency, recipient.reminders_enabled) == (DigestFrequency.DAILY, False)


def test_the_preview_costs_the_same_queries_for_two_agreements_as_for_twenty(client, programme):
    recipient = Recipient.objects.get(contact=programme.contact)
    client.force_login(programme.manager)

    def preview_queries(agreements: int) -> int:
        while Recipient.objects.get(pk=recipient.pk).contact.organization.agreements.count() < agreements:
            agreement = AgreementFactory(status=programme.agreement.status, signed_on=programme.today)
            MilestoneFactory(agreement=agreement, responsible=programme.producer, due_on=programme.today)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/digests/preview/{recipient.pk}/").status_code == 200
        return len(queries)

    assert preview_queries(2) == preview_queries(20)


def test_a_reminders_link_opens_the_milestone_on_its_agreement_page(
    client, programme, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        plan_reminders(programme.today)
    link = next(line for line in mail.outbox[0].body.splitlines() if line.startswith("Open it: "))
    path, anchor = path_of(link.removeprefix("Open it: ")).split("#")
    client.force_login(programme.manager)
    page = client.get(path)
    assert page.status_code == 200 and f'id="{anchor}"' in page.content.decode()


def test_an_unsubscribe_link_expires_after_its_lifetime_and_says_how_to_get_a_new_one(client, programme, settings):
    settings.UNSUBSCRIBE_LINK_MAX_AGE_DAYS = 90
    recipient = Recipient.objects.get(contact=programme.contact)
    with time_machine.travel("2026-01-01 12:00:00Z", tick=False) as clock:
        url = path_of(unsubscribe_url(recipient.pk, "reminders"))
        clock.shift(timedelta(days=89))
        assert client.get(url).status_code == 200
        clock.shift(timedelta(days=2))

        expired = client.post(url)

    assert expired.status_code == 410
    assert "has expired" in expired.content.decode() and "a more recent reminder or digest" in expired.content.decode()
    recipient.refresh_from_db()
    assert recipient.reminders_enabled
