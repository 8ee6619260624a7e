"""The donor pages in a real browser, on the demo portfolio, at a laptop's width and a phone's."""

import csv
import io
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.web.browser.accessibility import axe_violations
from tests.web.browser.test_walkthrough import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.postgres]


@pytest.fixture
def demo_portfolio(transactional_db):
    call_command("seed_demo", stdout=StringIO())


def sideways_overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.mark.parametrize("width", [1440, 390])
def test_donor_pages_read_at_every_width_without_sideways_scroll(demo_portfolio, new_page, screenshots, width):
    page = new_page(width=width, height=900)
    sign_in(page, "viewer")
    if width < 600:
        expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    page.get_by_role("link", name="Donors", exact=True).click()

    expect(page.get_by_role("heading", level=1, name="Burden-sharing by donor")).to_be_visible()
    table = page.get_by_role("table", name=re.compile(r"Donors in \d{4}, in EUR"))
    expect(table).to_be_visible()
    expect(table.get_by_role("link", name="Denmark (DK)")).to_be_visible()
    expect(table.get_by_role("link", name="European Defence Fund")).to_be_visible()
    expect(table.locator("tfoot")).to_contain_text("Total")
    assert sideways_overflow(page) == 0
    assert axe_violations(page) == []
    page.screenshot(path=str(screenshots / f"donors-{width}.png"), full_page=True)

    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("as CSV")).click()
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    assert rows[0][:4] == ["donor", "pledged", "committed", "disbursed"] and rows[-1][0] == "Total"

    table.get_by_role("link", name="Denmark (DK)").click()
    expect(page.get_by_role("heading", level=1, name=re.compile("Denmark"))).to_be_visible()
    for heading in ("Share of GDP by year", "Commitments", "Deliveries"):
        expect(page.get_by_role("heading", level=2, name=heading, exact=True)).to_be_visible()
    expect(page.get_by_role("table", name="Commitments and open pledges")).to_contain_text("UA-DK-2025-012")
    expect(page.get_by_role("table", name="Deliveries: money disbursed")).to_contain_text("DK-UAS-01")
    assert sideways_overflow(page) == 0
    assert axe_violations(page) == []
    page.screenshot(path=str(screenshots / f"donor-{width}.png"), full_page=True)

    for url in ("/donors/body/eu-edf/", "/donors/gdp/"):
        page.goto(url)
        assert sideways_overflow(page) == 0
        assert axe_violations(page) == []
    expect(page.get_by_role("table", name="Recorded GDP figures")).to_contain_text("Denmark (DK)")
