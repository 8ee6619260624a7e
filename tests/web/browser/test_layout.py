"""The portfolio pages at a laptop's and a phone's width, at real sizes (a EUR 3.4 billion portfolio, milestones
that cluster): no sideways scroll, headline figures inside their cards, every chart with its table, and no
WCAG 2 A or AA violation that axe-core finds."""

import datetime
import re
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from projects.models import Agreement, Organization
from tests.factories import MilestoneFactory, PartyFactory
from tests.web.browser.accessibility import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.postgres]
PASSWORD = "tracker-demo"  # the published demo password of seed_demo
WIDTHS = (1440, 390)

MEASURE = """() => {
  const page = document.documentElement;
  const outside = (e) => e.scrollWidth > e.clientWidth + 1
      || e.getBoundingClientRect().right > e.parentElement.getBoundingClientRect().right + 1;
  const beyond = (e) => e.getBoundingClientRect().right > page.clientWidth + 1;
  // The innermost elements reaching past the page's right edge, to say what overflows when something does.
  const culprits = [...document.body.querySelectorAll('*')].filter(e => beyond(e) && ![...e.children].some(beyond))
      .filter(e => !e.closest('.table-wrap, details:not([open])'))
      .map(e => `${e.tagName.toLowerCase()}.${e.className.baseVal ?? e.className}`);
  return {
    overflow: page.scrollWidth - page.clientWidth,
    culprits: [...new Set(culprits)].slice(0, 5),
    cards: [...document.querySelectorAll('.totals dd')].filter(outside).map(e => e.textContent.trim()),
  };
}"""


@pytest.fixture
def large_portfolio(transactional_db):
    """The demo portfolio with one more agreement of EUR 3.4 billion whose milestones cluster in one week."""
    call_command("seed_demo", stdout=StringIO())
    today = timezone.localdate()
    big = Agreement.objects.get(reference="UA-DK-2025-012")
    Agreement.objects.filter(pk=big.pk).update(budget=Decimal("3400000000.00"))
    producer = Organization.objects.filter(parties__agreement=big).first()
    PartyFactory(agreement=big, organization=producer)
    for n in range(6):
        MilestoneFactory(
            agreement=big,
            responsible=producer,
            title=f"Batch {n + 1} of interceptors accepted by the armed forces",
            due_on=today + datetime.timedelta(days=n),
        )
    return big


def sign_in(page) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("manager")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Portfolio dashboard")).to_be_visible()


@pytest.mark.parametrize("width", WIDTHS)
def test_pages_hold_at_a_laptops_and_a_phones_width(large_portfolio, new_page, screenshots, width):
    page = new_page(width=width)
    sign_in(page)
    violations = {}
    for name, path in [
        ("dashboard", f"/?as_of={timezone.localdate().isoformat()}"),
        ("agreement", f"/agreements/{large_portfolio.pk}/"),
        ("agreements", "/agreements/"),
        ("capacity", "/portfolio/capacity/"),
        ("changes", "/changes/"),
        ("approvals", "/approvals/"),
        ("exchange-rates", "/exchange-rates/"),
    ]:
        page.goto(path)
        page.screenshot(path=str(screenshots / f"{name}-{width}.png"), full_page=True)
        measured = page.evaluate(MEASURE)
        assert measured == {"overflow": 0, "culprits": [], "cards": []}, (name, width, measured)
        violations[name] = axe_violations(page)
        if name == "dashboard":
            # Every chart has its figures as a table, a legend and its data to download.
            charts = page.locator("figure.chart")
            expect(charts).to_have_count(3)
            for n in range(3):
                expect(charts.nth(n).locator("table.figures")).to_have_count(1)
                expect(charts.nth(n).locator(".legend li").first).to_be_visible()
                expect(charts.nth(n).get_by_role("link", name="Download the data (CSV)")).to_be_visible()
            billions = re.compile(r"EUR\s+3,\d{3},\d{3},\d{3}")
            expect(page.locator('[data-figure="budget"]')).to_have_text(billions)
        if name == "agreement":
            page.locator(".gantt").screenshot(path=str(screenshots / f"timeline-{width}.png"))
            expect(page.locator(".gantt-axis-labels .today-label")).to_have_text("Today")
            expect(page.locator(".gantt-due")).to_have_count(large_portfolio.milestones.count())
            expect(page.locator('[data-legend="funding"]')).to_contain_text("Open pledges")
    assert {name: found for name, found in violations.items() if found} == {}, width
