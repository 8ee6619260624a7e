"""Which language a page speaks: the browser's guess, the switch in the navigation, the user's lasting choice."""

import re
from datetime import date
from decimal import Decimal

from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import translation

from projects.notifications.models import Recipient
from tests.factories import AgreementFactory, OrganizationFactory, PartyFactory, StaffUserFactory, UserFactory

PASSWORD = "correct horse battery staple"


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode())[1]


def test_accept_language_is_the_first_guess_and_the_switch_overrides_it(client, db):
    assert html_lang(client.get(reverse("login"), headers={"accept-language": "uk-UA,uk;q=0.9"})) == "uk"
    assert html_lang(client.get(reverse("login"), headers={"accept-language": "en-US"})) == "en-gb"
    assert html_lang(client.get(reverse("login"), headers={"accept-language": "fr"})) == "en-gb"

    client.post(reverse("set_language"), {"language": "uk", "next": reverse("login")})
    assert html_lang(client.get(reverse("login"), headers={"accept-language": "en-US"})) == "uk"


def test_a_users_choice_is_kept_and_applied_when_they_sign_in_again(db):
    UserFactory(username="olena")
    browser = Client(headers={"accept-language": "en-GB"})
    browser.post(reverse("login"), {"username": "olena", "password": PASSWORD})
    switched = browser.post(reverse("set_language"), {"language": "uk", "next": "/"})
    assert switched.status_code == 302 and switched.url == "/"
    assert Recipient.objects.get(user__username="olena").language == "uk"

    elsewhere = Client(headers={"accept-language": "en-GB"})  # another browser: no language cookie
    signed_in = elsewhere.post(reverse("login"), {"username": "olena", "password": PASSWORD}, follow=True)
    assert html_lang(signed_in) == "uk"
    assert 'value="en-gb" lang="en-gb" class="link">British English</button>' in signed_in.content.decode()


def test_an_unknown_language_is_refused_and_nothing_is_stored(db):
    UserFactory(username="olena")
    browser = Client()
    browser.post(reverse("login"), {"username": "olena", "password": PASSWORD})
    browser.post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert not Recipient.objects.filter(user__username="olena", language="xx").exists()


def render(source: str, **context) -> str:
    return Template("{% load figures %}" + source).render(Context(context))


def test_money_numbers_and_dates_follow_the_language():
    amount, day = Decimal("1234567.25"), date(2026, 11, 29)
    with translation.override("en-gb"):
        assert render(
            "{{ a|money }} EUR · {{ d|date:'DATE_FORMAT' }} · {{ s|percent }}", a=amount, d=day, s=Decimal("0.4215")
        ) == ("1,234,567 EUR · 29 Nov 2026 · 42.2%")
    with translation.override("uk"):
        assert render(
            "{{ a|money }} EUR · {{ d|date:'DATE_FORMAT' }} · {{ s|percent }}", a=amount, d=day, s=Decimal("0.4215")
        ) == ("1\xa0234\xa0567 EUR · 29 листопада 2026 · 42,2%")


def test_ukrainian_names_show_on_ukrainian_pages_and_english_ones_otherwise(db):
    staff = StaffUserFactory(username="petra")
    ministry = OrganizationFactory(name="Ministry of Defence of Ukraine", name_uk="Міністерство оборони України")
    agreement = AgreementFactory(title="Interceptor drone co-production", title_uk="Спільне виробництво перехоплювачів")
    PartyFactory(agreement=agreement, organization=ministry)
    client = Client()
    client.force_login(staff)
    url = reverse("agreement", args=[agreement.pk])

    ukrainian = client.get(url, headers={"accept-language": "uk"}).content.decode()
    assert "Спільне виробництво перехоплювачів" in ukrainian and "Міністерство оборони України" in ukrainian
    english = client.get(url, headers={"accept-language": "en-GB"}).content.decode()
    assert "Interceptor drone co-production" in english and "Ministry of Defence of Ukraine" in english
    assert "Міністерство оборони України" not in english
