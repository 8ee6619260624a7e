"""Under the Content-Security-Policy every page still works in a real browser, and the browser refuses nothing."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from projects.models import Agreement
from projects.notifications.models import Recipient
from projects.notifications.unsubscribe import unsubscribe_url
from tests.web.browser.test_walkthrough import demo_portfolio, sign_in  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.postgres]


def watch_for_refusals(page) -> list[str]:
    """What the browser refused under the policy (its console reports and violation events), and script errors."""
    refusals = []
    page.on(
        "console",
        lambda message: re.search("Content Security Policy|CSP", message.text) and refusals.append(message.text),
    )
    page.on("pageerror", lambda error: refusals.append(str(error)))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    return refusals


def test_every_page_works_under_the_policy_and_the_browser_refuses_nothing(demo_portfolio, new_page):  # noqa: F811
    page = new_page()
    refusals = watch_for_refusals(page)
    sign_in(page, "admin")
    agreement = Agreement.objects.get(reference="UA-DK-2025-012")

    response = page.goto(f"/agreements/{agreement.pk}/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator(".gantt-due").first).to_be_visible()
    bar = page.locator(".progress-bar .committed").bounding_box()
    assert bar["width"] > 0
    for path in ["/", "/agreements/", "/import/agreements/", "/admin/", "/admin/api/apitoken/add/"]:
        page.goto(path)
    expect(page.get_by_role("link", name="Today").first).to_be_visible()  # the admin's widgets' script ran
    recipient = Recipient.objects.filter(user=get_user_model().objects.get(username="manager")).first() or (
        Recipient.objects.first()
    )
    page.goto(unsubscribe_url(recipient.pk, "digest").split("8000", 1)[1])
    expect(page.get_by_role("button", name="Unsubscribe")).to_be_visible()

    page.goto("/api/v1/docs/")
    expect(page.get_by_role("heading", name=re.compile("Co-production tracker API"))).to_be_visible()
    expect(page.locator(".opblock").first).to_be_visible()
    page.locator(".opblock-summary").first.click()
    expect(page.get_by_role("button", name="Try it out").first).to_be_visible()

    assert refusals == []
