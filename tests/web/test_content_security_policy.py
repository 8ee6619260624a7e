"""Every page is sent with a Content-Security-Policy, and none of ours needs inline script or style to work."""

import re

from django.urls import reverse

from projects.notifications.models import Recipient
from projects.notifications.unsubscribe import unsubscribe_url
from tests.factories import AgreementFactory, MilestoneFactory, UserFactory

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
INLINE = [
    re.compile(r"\sstyle\s*=", re.I),  # style attributes
    re.compile(r"<style", re.I),
    re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.I),  # scripts without a src
    re.compile(r"\son[a-z]+\s*=", re.I),  # event handler attributes
    re.compile(r"javascript:", re.I),
]


def policy(response) -> dict[str, str]:
    return dict(directive.split(" ", 1) for directive in response["Content-Security-Policy"].split("; "))


def test_our_pages_carry_the_policy_and_nothing_inline(admin_client, client, db):
    agreement = AgreementFactory()
    MilestoneFactory(agreement=agreement, unit="drones", target_quantity=10, actual_quantity=4)
    recipient = Recipient.objects.create(user=UserFactory())
    signed_in = [
        reverse("dashboard"),
        reverse("agreement-list"),
        reverse("agreement", args=[agreement.pk]),
        reverse("import", args=["agreements"]),
        reverse("admin:api_apitoken_add"),
        reverse("api-docs"),
    ]
    anonymous = [
        reverse("login"),
        reverse("password_reset"),
        unsubscribe_url(recipient.pk, "digest").removeprefix("http://127.0.0.1:8000"),
    ]
    for browser, urls in [(admin_client, signed_in), (client, anonymous)]:
        for url in urls:
            response = browser.get(url)
            assert response.status_code == 200, url
            assert policy(response) == POLICY, url
            found = [pattern.pattern for pattern in INLINE if pattern.search(response.content.decode())]
            assert found == [], url


def test_the_digest_preview_allows_the_e_mails_inline_styles_and_still_no_script(admin_client, db):
    recipient = Recipient.objects.create(user=UserFactory())

    preview = admin_client.get(reverse("digests:preview", args=[recipient.pk]))

    assert preview.status_code == 200
    assert policy(preview) == {**POLICY, "style-src": "'self' 'unsafe-inline'"}
