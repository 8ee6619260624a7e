"""GDP figures in the admin: added and corrected through the services, refused as they refuse."""

import pytest
from django.urls import reverse

from projects.models import CountryEconomy
from tests.factories import CountryEconomyFactory, UserFactory

pytestmark = pytest.mark.django_db
FIGURE = {"country": "SE", "year": "2025", "gdp": "6400000000000.00", "currency": "SEK", "source": "SCB"}


@pytest.fixture
def admin_client(client):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    return client, root


def test_the_admin_adds_a_gdp_figure_through_the_service_and_refuses_a_second_for_the_year(admin_client):
    client, root = admin_client
    add = reverse("admin:projects_countryeconomy_add")

    assert client.post(add, FIGURE).status_code == 302
    economy = CountryEconomy.objects.get()
    assert (economy.country, economy.history.get().history_user) == ("SE", root)

    refused = client.post(add, {**FIGURE, "gdp": "1.00"})
    assert refused.status_code == 200
    assert "This country already has a GDP for this year; correct that one instead." in refused.content.decode()
    assert CountryEconomy.objects.get().gdp == economy.gdp


def test_the_admin_corrects_a_gdp_figure_with_history(admin_client):
    client, root = admin_client
    economy = CountryEconomyFactory(country="SE", year=2025, currency="SEK")

    client.post(reverse("admin:projects_countryeconomy_change", args=[economy.pk]), {**FIGURE, "illustrative": "on"})

    economy.refresh_from_db()
    assert economy.illustrative and economy.source == "SCB"
    assert economy.history.latest().history_user == root
