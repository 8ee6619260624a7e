"""One limit on failed sign-ins for the web and the admin alike, that no one can turn against other users."""

import re

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import StaffUserFactory, UserFactory

PASSWORD = "correct horse battery staple"
WEB = reverse("login")
ADMIN = reverse("admin:login")


def sign_in(client: Client, username: str, password: str = PASSWORD, door: str = WEB):
    return client.post(door, {"username": username, "password": password, "next": "/"})


def fail(client: Client, username: str, times: int = 1, door: str = WEB) -> None:
    for _ in range(times):
        assert sign_in(client, username, "wrong", door).status_code == 200  # the form again, with its error


def signed_in(response) -> bool:
    return response.status_code == 302 and "_auth_user_id" in response.wsgi_request.session


@pytest.fixture
def olena(db):
    return StaffUserFactory(username="olena", email="olena@example.org", is_superuser=True)


def test_the_admin_and_the_web_sign_in_share_one_limit(olena):
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    fail(attacker, "olena", 3, door=WEB)
    fail(attacker, "olena", 2, door=ADMIN)

    for door in [ADMIN, WEB]:
        refused = sign_in(attacker, "olena", door=door)
        assert refused.status_code == 429
        assert refused["Retry-After"] == "60"
        assert "script-src 'self'" in refused["Content-Security-Policy"]
        assert b"Too many failed sign-in attempts" in refused.content
        assert "_auth_user_id" not in attacker.session


def test_twenty_admin_failures_do_not_let_the_right_password_in(olena):
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(20):
        sign_in(attacker, "olena", "wrong", door=ADMIN)

    assert sign_in(attacker, "olena", door=ADMIN).status_code == 429
    assert "_auth_user_id" not in attacker.session


def test_failures_with_made_up_names_behind_a_shared_proxy_lock_no_one_out(olena):
    """Without TRUSTED_PROXIES every user behind the proxy has the proxy's address."""
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    for number in range(30):
        fail(proxy, f"made-up-{number}")

    assert signed_in(sign_in(Client(REMOTE_ADDR="10.0.0.1"), "olena"))


def test_a_right_password_is_refused_only_while_its_own_username_is_paused_at_that_address(olena):
    UserFactory(username="petro")
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    fail(attacker, "olena", 5)

    assert sign_in(attacker, "olena").status_code == 429
    assert signed_in(sign_in(Client(REMOTE_ADDR="203.0.113.9"), "petro"))
    assert signed_in(sign_in(Client(REMOTE_ADDR="198.51.100.7"), "olena"))


def test_behind_a_trusted_proxy_each_client_is_counted_on_its_own(settings, olena):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    attacker = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    fail(attacker, "olena", 5)

    assert sign_in(attacker, "olena").status_code == 429
    colleague = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert signed_in(sign_in(colleague, "olena"))


def test_a_forged_forwarded_for_from_an_untrusted_peer_does_not_reset_the_count(settings, olena):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    for number in range(5):
        fail(Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"198.51.100.{number}"), "olena")

    refused = sign_in(Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="198.51.100.99"), "olena")
    assert refused.status_code == 429


def test_failures_from_many_addresses_pause_the_username_everywhere_and_tell_its_holder_once(settings, olena):
    settings.LOGIN_ACCOUNT_FAILURE_LIMIT = 8
    with time_machine.travel("2026-11-02 09:00:00Z", tick=False) as clock:
        for number in range(8):
            fail(Client(REMOTE_ADDR=f"203.0.113.{number}"), "olena")

        refused = sign_in(Client(REMOTE_ADDR="198.51.100.7"), "olena")
        assert refused.status_code == 429
        assert [message.to for message in mail.outbox] == [["olena@example.org"]]
        notice = mail.outbox[0]
        assert "paused" in notice.subject
        assert "https://tracker.example.org/accounts/password_reset/" in notice.body
        clock.shift(60)
        fail(Client(REMOTE_ADDR="203.0.113.200"), "olena")  # a longer pause, no second e-mail
        assert sign_in(Client(REMOTE_ADDR="198.51.100.7"), "olena")["Retry-After"] == "120"
        assert len(mail.outbox) == 1


def test_no_one_is_told_about_failures_for_a_name_without_an_account(db):
    fail(Client(REMOTE_ADDR="203.0.113.9"), "nobody", 5)
    assert sign_in(Client(REMOTE_ADDR="203.0.113.9"), "nobody").status_code == 429

    assert mail.outbox == []


def test_the_pause_is_short_and_grows_with_each_further_failure_up_to_the_window(olena):
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    pauses = []
    with time_machine.travel("2026-11-02 09:00:00Z", tick=False) as clock:
        fail(attacker, "olena", 5)
        for _ in range(6):
            refused = sign_in(attacker, "olena")
            assert refused.status_code == 429
            pauses.append(int(refused["Retry-After"]))
            clock.shift(pauses[-1])
            fail(attacker, "olena")
        clock.shift(900)
        assert signed_in(sign_in(attacker, "olena"))

    assert pauses == [60, 120, 240, 480, 900, 900]


def test_a_password_reset_signs_in_the_holder_of_a_paused_account(olena):
    holder = Client(REMOTE_ADDR="203.0.113.9")
    fail(holder, "olena", 5)
    assert sign_in(holder, "olena").status_code == 429

    holder.post(reverse("password_reset"), {"email": "olena@example.org"})
    link = re.search(r"https://tracker\.example\.org(/accounts/reset/\S+)", mail.outbox[-1].body).group(1)
    form = holder.get(link, follow=True)
    holder.post(
        form.redirect_chain[-1][0], {"new_password1": "a new long passphrase", "new_password2": "a new long passphrase"}
    )

    assert holder.get(reverse("dashboard")).status_code == 200


def test_a_successful_sign_in_clears_the_failures_of_its_username(olena):
    holder = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(3):
        fail(holder, "olena", 4)
        assert signed_in(sign_in(holder, "olena"))
        holder.logout()
