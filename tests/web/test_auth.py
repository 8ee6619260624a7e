"""Sign-in, throttling of failed sign-ins, password change and reset, and pages closed to the anonymous."""

import os
import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tests.conftest import IN_CI
from tests.factories import AgreementFactory, UserFactory

PASSWORD = "correct horse battery staple"


@pytest.mark.parametrize("name", ["dashboard", "agreement-list", "agreement-create", "import-agreements"])
def test_every_page_but_sign_in_sends_the_anonymous_to_sign_in(client, db, name):
    url = reverse("import", args=["agreements"]) if name == "import-agreements" else reverse(name)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert client.get(reverse("login")).status_code == 200


def test_agreement_page_and_export_need_sign_in(client, db):
    agreement = AgreementFactory()
    for url in [reverse("agreement", args=[agreement.pk]), reverse("agreement-export", args=["csv"])]:
        assert client.get(url).url.startswith(reverse("login"))


def test_sign_in_then_out(client, db):
    UserFactory(username="olena")
    response = client.post(reverse("login"), {"username": "olena", "password": PASSWORD}, follow=True)
    assert response.context["user"].username == "olena"
    assert b"Portfolio dashboard" in response.content
    client.post(reverse("logout"))
    assert client.get(reverse("dashboard")).status_code == 302


def test_password_reset_by_email_sets_a_new_password(client, db, settings):
    settings.SITE_URL = "https://tracker.example.org"
    UserFactory(username="olena", email="olena@example.org")
    response = client.post(reverse("password_reset"), {"email": "olena@example.org"}, follow=True)
    assert b"Check your e-mail" in response.content
    assert len(mail.outbox) == 1
    link = re.search(r"https://tracker\.example\.org(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    assert b"Choose a new password" in form.content
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": "a new long passphrase", "new_password2": "a new long passphrase"}
    )
    assert done.status_code == 302
    assert Client().login(username="olena", password="a new long passphrase")


def test_password_reset_links_point_at_site_url_whatever_host_the_request_names(client, db, settings):
    settings.SITE_URL = "https://tracker.example.org"
    settings.ALLOWED_HOSTS = ["tracker.example.org", "attacker.example"]  # a permissive host list
    UserFactory(username="olena", email="olena@example.org")

    client.post(reverse("password_reset"), {"email": "olena@example.org"}, HTTP_HOST="attacker.example")

    assert "attacker.example" not in mail.outbox[0].body
    assert re.search(r"^https://tracker\.example\.org/accounts/reset/\S+/\S+/$", mail.outbox[0].body, re.M)


def test_password_change(client, db):
    user = UserFactory(username="olena")
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another long passphrase",
            "new_password2": "another long passphrase",
        },
        follow=True,
    )
    assert b"Your password has been changed" in response.content
    assert Client().login(username="olena", password="another long passphrase")


def test_the_anonymous_are_sent_to_sign_in_whether_or_not_a_record_exists(client, db):
    agreement = AgreementFactory()
    for pk in [agreement.pk, 999999]:
        response = client.get(reverse("agreement-edit", args=[pk]))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_throttling_counts_are_shared_through_a_redis_cache(db, settings):
    """With several server processes the counts must live in a shared cache (CACHE_URL=redis://…)."""
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        if IN_CI:
            pytest.fail("CI must provide TEST_REDIS_URL.")
        pytest.skip("needs Redis (set TEST_REDIS_URL)")
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}
    settings.LOGIN_ACCOUNT_FAILURE_LIMIT = 2
    cache.clear()
    UserFactory(username="olena")
    try:
        for address in ["10.0.0.1", "10.0.0.2"]:  # two addresses, as if behind two server processes
            Client(REMOTE_ADDR=address).post(reverse("login"), {"username": "olena", "password": "wrong"})
        refused = Client(REMOTE_ADDR="10.0.0.3").post(reverse("login"), {"username": "olena", "password": PASSWORD})
        assert refused.status_code == 429
        assert b"Too many failed sign-in attempts" in refused.content
    finally:
        cache.clear()
