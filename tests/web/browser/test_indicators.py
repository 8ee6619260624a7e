"""Indicators in a real browser, on the demo portfolio: a programme manager locks a period and unlocks it with
a reason; the capacity page fits a phone and a desktop without sideways scrolling."""

import re

import pytest
from playwright.sync_api import expect

from projects.models import IndicatorPeriod
from tests.web.browser.test_walkthrough import demo_portfolio, sign_in  # noqa: F401  (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.postgres]


def test_a_manager_verifies_locks_and_unlocks_a_period_on_the_agreement_page(demo_portfolio, new_page):  # noqa: F811
    page = new_page()
    sign_in(page, "manager")
    page.goto("/agreements/")
    page.get_by_role("link", name="UA-DE-2025-021").click()
    section = page.locator("#indicator-" + str(IndicatorPeriod.objects.filter(state="reported").first().indicator_id))
    reported = section.locator("tr", has=page.locator(".state-reported"))
    reported.get_by_role("button", name=re.compile("^Verify")).click()
    expect(page.get_by_text("Period verified.")).to_be_visible()
    section.locator("tr", has=page.locator(".state-verified")).get_by_role("button", name=re.compile("^Lock")).click()
    expect(page.get_by_text("Period locked: it refuses changes until unlocked.")).to_be_visible()

    section.locator("tr", has=page.locator(".state-locked")).last.get_by_role(
        "link", name=re.compile("^Unlock")
    ).click()
    page.get_by_label("Reason").fill("The plant re-counted the quarter.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Period unlocked; the reason is kept in its history.")).to_be_visible()
    expect(page.locator("#history")).to_contain_text("The plant re-counted the quarter.")


@pytest.mark.parametrize("width", [1440, 390])
def test_the_capacity_page_fits_its_width_and_states_what_unfunded_means(demo_portfolio, new_page, width):  # noqa: F811
    page = new_page(width=width)
    sign_in(page, "viewer")
    page.get_by_role("link", name="Capacity").click()
    expect(page.get_by_role("heading", name="Capacity and output by capability")).to_be_visible()
    expect(page.locator("#unfunded-definition")).to_contain_text("committed ÷ budget")
    expect(page.locator("tr.total").first).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
