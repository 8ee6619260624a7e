"""Tokens: hash-only storage, scopes, expiry, revocation, and how they are issued (command, admin)."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from projects.actors import Actor
from projects.api.models import ApiToken
from projects.api.tokens import revoke_token
from tests.api.conftest import bearer
from tests.api.test_isolation import database_snapshot
from tests.factories import UserFactory


def test_only_a_hash_of_the_token_is_stored(alpha, token_for):
    raw = token_for(organization=alpha.organization)
    token = ApiToken.objects.get()
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    stored = " ".join(str(value) for value in ApiToken.objects.values().get().values())
    assert raw not in stored and raw[len(token.prefix) :] not in stored
    assert bearer(raw).get(reverse("api-agreements")).status_code == 200


def test_last_use_is_recorded(alpha, token_for):
    raw = token_for(organization=alpha.organization)
    assert ApiToken.objects.get().last_used_at is None
    bearer(raw).get(reverse("api-agreements"))
    assert ApiToken.objects.get().last_used_at is not None


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        ("Bearer cpt_not-a-real-token", "not valid"),
        ("Bearer", "Authorization: Bearer"),
        ("Bearer two parts", "Authorization: Bearer"),
        ("", "credentials were not provided"),
    ],
)
def test_unknown_or_malformed_tokens_get_401_with_a_problem_body(db, client, header, reason):
    response = client.get(reverse("api-agreements"), HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert reason in response.json()["detail"]


def test_an_expired_token_gets_401_and_a_live_one_works(alpha, token_for):
    live = token_for(organization=alpha.organization, expires_at=timezone.now() + timedelta(days=1))
    expiring = token_for(organization=alpha.organization, expires_at=timezone.now() + timedelta(days=1))
    ApiToken.objects.filter(prefix=expiring[:10]).update(expires_at=timezone.now() - timedelta(seconds=1))

    assert bearer(live).get(reverse("api-agreements")).status_code == 200
    response = bearer(expiring).get(reverse("api-agreements"))
    assert response.status_code == 401
    assert response.json()["detail"] == "This token has expired."


def test_a_revoked_token_gets_401_from_then_on(alpha, staff, token_for):
    raw = token_for(organization=alpha.organization)
    client = bearer(raw)
    assert client.get(reverse("api-agreements")).status_code == 200
    revoke_token(actor=staff, token_id=ApiToken.objects.get().pk)
    response = client.get(reverse("api-agreements"))
    assert response.status_code == 401
    assert response.json()["detail"] == "This token has been revoked."


def test_a_token_of_a_disabled_account_gets_401(staff_user, token_for):
    raw = token_for(user=staff_user)
    staff_user.is_active = False
    staff_user.save(update_fields=["is_active"])
    assert bearer(raw).get(reverse("api-agreements")).status_code == 401


def test_a_read_token_cannot_write_anywhere(alpha, token_for):
    """Every write a partner's write token may make is refused with 403 to its read token."""
    client = bearer(token_for(organization=alpha.organization, scope="read"))
    before = database_snapshot()
    writes = [
        ("patch", reverse("api-milestone", args=[alpha.milestone.pk]), {"status": "in_progress"}),
        (
            "post",
            reverse("api-disbursements"),
            {"commitment": alpha.commitment.pk, "amount": "1.00", "disbursed_on": "2026-01-16", "reference": "R-1"},
        ),
        (
            "post",
            reverse("api-status-reports"),
            {"agreement": alpha.agreement.pk, "reported_on": "2026-01-16", "rag": "amber", "summary": "Slipping."},
        ),
        ("patch", reverse("api-agreement", args=[alpha.agreement.pk]), {"title": "New"}),
        ("delete", reverse("api-status-report", args=[alpha.report.pk]), None),
        ("post", reverse("api-agreements"), {}),
    ]
    for method, url, body in writes:
        response = getattr(client, method)(url, body, format="json")
        assert response.status_code == 403, url
        assert "read scope" in response.json()["detail"]
    assert database_snapshot() == before
    assert client.get(reverse("api-milestone", args=[alpha.milestone.pk])).status_code == 200


def test_a_staff_read_token_cannot_write_either(staff_user, alpha, token_for):
    client = bearer(token_for(user=staff_user, scope="read"))
    response = client.patch(reverse("api-agreement", args=[alpha.agreement.pk]), {"title": "New"}, format="json")
    assert response.status_code == 403


def test_create_api_token_prints_a_working_token_once(alpha):
    out, err = StringIO(), StringIO()
    call_command(
        "create_api_token",
        "--organization",
        alpha.organization.slug,
        "--scope",
        "read",
        "--expires-in-days",
        "30",
        stdout=out,
        stderr=err,
    )
    raw = out.getvalue().strip()
    token = ApiToken.objects.get()
    assert raw.startswith("cpt_") and token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert token.organization == alpha.organization and token.scope == "read"
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)
    assert "shown only now" in err.getvalue()
    assert len(bearer(raw).get(reverse("api-agreements")).json()["results"]) == 1


def test_create_api_token_for_a_staff_user_and_refusals(staff_user, db):
    out = StringIO()
    call_command("create_api_token", "--user", staff_user.username, "--scope", "write", stdout=out, stderr=StringIO())
    assert ApiToken.objects.get().user == staff_user
    with pytest.raises(CommandError, match="No organisation"):
        call_command("create_api_token", "--organization", "nobody", "--scope", "read", stderr=StringIO())
    UserFactory(username="reader")
    with pytest.raises(CommandError, match="programme managers"):
        call_command("create_api_token", "--user", "reader", "--scope", "read", stderr=StringIO())
    assert ApiToken.objects.count() == 1


def test_admin_shows_a_new_token_once_on_an_uncached_page_and_never_in_a_cookie(admin_client, alpha):
    response = admin_client.post(
        reverse("admin:api_apitoken_add"), {"name": "ERP sync", "organization": alpha.organization.pk, "scope": "write"}
    )

    assert response.status_code == 200
    raw = re.search(r'<code id="api-token">(cpt_[\w-]+)</code>', response.content.decode()).group(1)
    assert "no-store" in response["Cache-Control"]
    assert "messages" not in response.cookies
    token = ApiToken.objects.get()
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest() and token.name == "ERP sync"
    assert token.organization == alpha.organization and token.scope == "write"
    for page in [reverse("admin:api_apitoken_change", args=[token.pk]), reverse("admin:api_apitoken_changelist")]:
        again = admin_client.get(page)
        assert again.status_code == 200 and raw not in again.content.decode()
    assert bearer(raw).get(reverse("api-agreements")).status_code == 200


def test_admin_issues_through_the_service_so_its_refusals_show_on_the_form(admin_client, alpha):
    viewer_user = UserFactory(username="reader")
    assert b"Issue an API token" in admin_client.get(reverse("admin:api_apitoken_add")).content
    refusals = [
        ({"user": viewer_user.pk, "scope": "read"}, "Personal tokens are for programme managers"),
        (
            {
                "organization": alpha.organization.pk,
                "scope": "read",
                "expires_at_0": "2020-01-01",
                "expires_at_1": "00:00",
            },
            "The expiry must be in the future",
        ),
        ({"scope": "read"}, "A token belongs to an organisation or to a user"),
    ]
    for data, message in refusals:
        response = admin_client.post(reverse("admin:api_apitoken_add"), data)
        assert response.status_code == 200 and message in response.content.decode()
    assert not ApiToken.objects.exists()


def test_admin_revokes_selected_tokens(admin_client, alpha, token_for):
    raw = token_for(organization=alpha.organization)
    admin_client.post(
        reverse("admin:api_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [ApiToken.objects.get().pk]},
    )
    assert ApiToken.objects.get().revoked_at is not None
    assert bearer(raw).get(reverse("api-agreements")).status_code == 401


def test_partner_actor_is_its_organisation(alpha, token_for):
    """Partners act as their organisation: history records it, not a person."""
    client = bearer(token_for(organization=alpha.organization))
    client.patch(reverse("api-milestone", args=[alpha.milestone.pk]), {"status": "in_progress"}, format="json")
    latest = alpha.milestone.history.latest()
    assert latest.history_organization == alpha.organization and latest.history_user is None
    assert Actor(organization=alpha.organization).is_partner


def test_logged_in_people_use_the_browsable_api_through_their_session(client, staff_user, alpha):
    client.force_login(staff_user)
    page = client.get(reverse("api-agreements"), HTTP_ACCEPT="text/html")
    assert page.status_code == 200 and b"UA-XX-2026" in page.content
    csrf_checked = Client(enforce_csrf_checks=True)
    csrf_checked.force_login(staff_user)
    forged = csrf_checked.post(reverse("api-capabilities"), {"name": "EW", "slug": "ew"})
    assert forged.status_code == 403 and "CSRF" in forged.json()["detail"]
