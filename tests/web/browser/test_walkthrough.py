"""A programme manager's day in a real browser, on the demo portfolio; and a viewer who cannot edit."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from projects.choices import AgreementStatus
from projects.models import Agreement, Disbursement, FundingCommitment
from projects.selectors import portfolio_funding
from projects.web.templatetags.figures import money, percent

pytestmark = [pytest.mark.browser, pytest.mark.postgres]
PASSWORD = "tracker-demo"  # the published demo password of seed_demo


@pytest.fixture
def demo_portfolio(transactional_db):
    call_command("seed_demo", stdout=StringIO())


def sign_in(page, username: str) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Portfolio dashboard")).to_be_visible()


def test_programme_manager_walkthrough(demo_portfolio, new_page, screenshots):
    page = new_page()
    sign_in(page, "manager")

    # The dashboard shows the selectors' figures of the demo portfolio.
    total = portfolio_funding(Agreement.objects.exclude(status=AgreementStatus.TERMINATED)).total
    for name, value in [("budget", total.budget), ("committed", total.committed), ("gap", total.gap)]:
        expect(page.locator(f'[data-figure="{name}"]')).to_have_text(f"EUR {money(value)}")
    expect(page.locator('[data-figure="unfunded"]')).to_have_text(percent(total.unfunded_share))
    expect(page.get_by_role("img", name=re.compile("Funding gap by capability"))).to_be_visible()
    page.screenshot(path=str(screenshots / "dashboard.png"), full_page=True)

    # Filter the list down to active strike-drone agreements.
    page.get_by_role("link", name="Agreements", exact=True).click()
    page.get_by_label("Status").select_option("active")
    page.get_by_label("Capability").select_option(label="Strike drones")
    page.get_by_role("button", name="Filter").click()
    expected = Agreement.objects.filter(status="active", capabilities__slug="strike-drones").count()
    expect(page.locator("table.agreements tbody tr")).to_have_count(expected)
    expect(page.get_by_role("link", name="UA-GB-2025-007")).to_have_count(0)

    # Open the Danish strike-drone agreement.
    page.get_by_role("link", name="UA-DK-2025-012").click()
    expect(page.get_by_role("heading", name=re.compile("UA-DK-2025-012"))).to_be_visible()
    history = page.locator("#history")

    # Record a disbursement.
    commitment = FundingCommitment.objects.get(reference="DK-UAS-01")
    page.get_by_role("link", name="Record disbursement").click()
    page.get_by_label("Commitment").select_option(str(commitment.pk))
    page.get_by_label("Amount").fill("5000000.00")
    page.get_by_label("Disbursed on").fill(timezone.localdate().isoformat())
    page.get_by_label("Reference").fill("DK-UAS-01-T9")
    page.get_by_role("button", name="Record disbursement").click()
    expect(page.get_by_role("status")).to_contain_text("Disbursement DK-UAS-01-T9 of 5,000,000.00 DKK recorded.")
    expect(history).to_contain_text("manager created Disbursement DK-UAS-01-T9")
    assert Disbursement.objects.filter(reference="DK-UAS-01-T9", amount=5000000).exists()

    # Complete the delivery milestone with the quantity reached.
    page.get_by_role("link", name="Complete Long-range strike drones delivered").click()
    page.get_by_label("Quantity reached").fill("2000")
    page.get_by_role("button", name="Mark done").click()
    expect(page.get_by_role("status")).to_contain_text("marked done")
    row = page.locator('[data-milestone="Long-range strike drones delivered"]')
    expect(row).to_contain_text("Done")
    expect(row).to_contain_text("2,000 / 2,000 drones")
    expect(history).to_contain_text("manager changed Milestone “Long-range strike drones delivered”")
    expect(history).to_contain_text("Status: In progress → Done")

    # Suspend the agreement, with a reason.
    page.get_by_label("New status").select_option("suspended")
    page.get_by_label("Reason").fill("Engine supply interrupted")
    page.get_by_role("button", name="Change status").click()
    expect(page.get_by_role("status")).to_contain_text("Status changed from Active to Suspended.")
    expect(page.get_by_test_id("status")).to_have_text("Suspended")
    expect(history).to_contain_text("“Engine supply interrupted”")
    expect(history).to_contain_text("Status: Active → Suspended")
    page.screenshot(path=str(screenshots / "agreement.png"), full_page=True)


def test_viewer_reads_but_cannot_edit(demo_portfolio, new_page):
    page = new_page(width=820, height=1180)  # a tablet
    sign_in(page, "viewer")
    expect(page.get_by_text("read only")).to_be_visible()
    page.get_by_role("link", name="Agreements", exact=True).click()
    page.get_by_role("link", name="UA-DK-2025-012").click()
    expect(page.get_by_role("heading", name="Funding")).to_be_visible()
    for control in ["Edit agreement", "Record disbursement", "Add milestone", "Post status report"]:
        expect(page.get_by_role("link", name=control)).to_have_count(0)
    expect(page.get_by_role("button", name="Change status")).to_have_count(0)
    agreement = Agreement.objects.get(reference="UA-DK-2025-012")
    response = page.goto(f"/agreements/{agreement.pk}/disbursements/new/")
    assert response.status == 403


def test_keyboard_alone_signs_in_and_reaches_the_skip_link_first(demo_portfolio, new_page):
    page = new_page()
    page.goto("/accounts/login/")
    expect(page.get_by_label("Username")).to_be_focused()  # the sign-in form takes the focus
    page.keyboard.type("manager")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Portfolio dashboard")).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
