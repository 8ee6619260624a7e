"""The demo portfolio in Ukrainian on a phone: declared Ukrainian, Ukrainian headings and navigation, no English
interface words, nothing wider than the screen; and the switch in the navigation back to English."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from projects.models import Agreement
from tests.i18n.pages import data_words, english_interface_words

pytestmark = [pytest.mark.browser, pytest.mark.postgres]
PASSWORD = "tracker-demo"  # the published demo password of seed_demo
PHONE_WIDTH = 390


@pytest.fixture
def demo_portfolio(transactional_db):
    call_command("seed_demo", stdout=StringIO())


# On failure: what is wider than the screen (tag, class, width), to find the culprit.
WIDEST = """[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 391)
  .slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""


def page_width(page) -> int:
    return page.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")


def test_the_demo_in_ukrainian_on_a_phone(demo_portfolio, new_page, screenshots):
    page = new_page(width=PHONE_WIDTH, height=844, locale="uk-UA")
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "uk")
    expect(page.get_by_role("heading", name="Увійти")).to_be_visible()
    page.locator("input[name=username]").fill("manager")
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Увійти").click()
    expect(page.get_by_role("heading", name="Огляд портфеля")).to_be_visible()

    allowed = data_words()
    agreement = Agreement.objects.get(reference="UA-DK-2025-012")
    walk = [
        ("/", "Огляд портфеля"),
        ("/agreements/", "Угоди"),
        (f"/agreements/{agreement.pk}/", "UA-DK-2025-012"),
        (f"/agreements/{agreement.pk}/disbursements/new/", "Внесення виплати"),
        (f"/agreements/{agreement.pk}/milestones/new/", "Планування етапу"),
        ("/exchange-rates/", "Обмінні курси"),
        ("/import/agreements/", "Імпорт: угоди"),
        ("/agreements/new/", "Нова угода"),
    ]
    for path, heading in walk:
        page.goto(path)
        expect(page.locator("html")).to_have_attribute("lang", "uk")
        expect(page.locator("h1")).to_contain_text(heading)
        expect(page.get_by_role("navigation", name="Головне меню")).to_contain_text("Угоди")
        assert english_interface_words(page.content(), allowed) == [], path
        assert page_width(page) <= PHONE_WIDTH, (path, page.evaluate(WIDEST))
        name = path.strip("/").replace("/", "-") or "dashboard"
        page.screenshot(path=str(screenshots / f"uk-{name}.png"), full_page=True)

    page.goto("/")
    page.get_by_role("button", name="British English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en-gb")
    expect(page.get_by_role("heading", name="Portfolio dashboard")).to_be_visible()
    expect(page.get_by_role("button", name="Українська")).to_be_visible()
    assert re.search(r"Budget", page.inner_text("main"))
