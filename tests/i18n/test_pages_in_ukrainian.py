"""Every page of the demo portfolio in Ukrainian: its language declared, and no English interface words left."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from projects.alerts.models import AlertRule
from projects.models import (
    Agreement,
    CountryEconomy,
    FundingCommitment,
    Indicator,
    IndicatorPeriod,
    Milestone,
    Organization,
)
from projects.notifications.models import Recipient
from projects.notifications.unsubscribe import unsubscribe_url
from tests.i18n.pages import data_words, english_interface_words, visible_text


@pytest.fixture
def ukrainian_manager(db):
    call_command("seed_demo", stdout=StringIO())
    client = Client(headers={"accept-language": "uk"})
    client.force_login(get_user_model().objects.get(username="manager"))
    return client


def pages() -> list[str]:
    agreement = Agreement.objects.get(reference="UA-DK-2025-012")
    commitment = FundingCommitment.objects.filter(agreement=agreement).first()
    milestone = Milestone.objects.filter(agreement=agreement).exclude(status="done").first()
    economy = CountryEconomy.objects.first()
    body = Organization.objects.filter(kind="international_body").first()
    indicator = Indicator.objects.first()
    period = IndicatorPeriod.objects.filter(state="reported").first()
    return [
        reverse("dashboard"),
        reverse("agreement-list"),
        reverse("agreement-list") + "?status=nothing-like-this",
        reverse("agreement", args=[agreement.pk]),
        reverse("agreement-create"),
        reverse("agreement-edit", args=[agreement.pk]),
        reverse("party-add", args=[agreement.pk]),
        reverse("commitment-create", args=[agreement.pk]),
        reverse("commitment-edit", args=[commitment.pk]),
        reverse("disbursement-create", args=[agreement.pk]),
        reverse("milestone-create", args=[agreement.pk]),
        reverse("milestone-edit", args=[milestone.pk]),
        reverse("milestone-complete", args=[milestone.pk]),
        reverse("report-create", args=[agreement.pk]),
        reverse("exchange-rates"),
        reverse("exchange-rate-create"),
        reverse("import", args=["agreements"]),
        reverse("import", args=["milestones"]),
        reverse("import", args=["commitments"]),
        reverse("import", args=["indicator-periods"]),
        reverse("password_change"),
        reverse("changes"),
        reverse("approvals"),
        reverse("donor-list"),
        reverse("donor", args=["country", economy.country]),
        reverse("donor", args=["body", body.slug]),
        reverse("economy-list"),
        reverse("economy-create"),
        reverse("economy-edit", args=[economy.pk]),
        reverse("portfolio-capacity"),
        reverse("alert-rules"),
        reverse("alert-rule-edit", args=[AlertRule.objects.first().pk]),
        reverse("indicator-create", args=[agreement.pk]),
        reverse("agreement", args=[indicator.agreement_id]),
        reverse("period-open", args=[indicator.pk]),
        reverse("period-verify", args=[period.pk]),
    ]


def test_every_page_speaks_ukrainian(ukrainian_manager):
    allowed = data_words()
    for url in pages():
        response = ukrainian_manager.get(url)
        html = response.content.decode()
        assert response.status_code == 200, url
        assert re.search(r'<html lang="uk">', html), url
        assert english_interface_words(html, allowed) == [], url
    dashboard = visible_text(ukrainian_manager.get(reverse("dashboard")).content.decode())
    assert "Огляд портфеля" in dashboard and "Дефіцит фінансування" in dashboard
    assert "29 листопада 2026" in dashboard or "листопада" in dashboard or "грудня" in dashboard


def test_the_pages_before_sign_in_speak_ukrainian(db):
    allowed = data_words()
    browser = Client(headers={"accept-language": "uk"})
    for url in [reverse("login"), reverse("password_reset"), reverse("password_reset_done")]:
        html = browser.get(url).content.decode()
        assert '<html lang="uk">' in html, url
        assert english_interface_words(html, allowed) == [], url


def test_the_preferences_page_of_an_email_speaks_its_recipients_language(ukrainian_manager):
    recipient = Recipient.objects.filter(user__isnull=False).first() or Recipient.objects.first()
    Recipient.objects.filter(pk=recipient.pk).update(language="uk")
    page = Client(headers={"accept-language": "en-GB"}).get(unsubscribe_url(recipient.pk, "digest"))
    html = page.content.decode()
    assert '<html lang="uk">' in html
    assert "Припинити надсилання: зведення про стан?" in html and "Мова листів" in html
    assert english_interface_words(html, data_words()) == []
