"""Indicator periods in the admin: opened, reported, verified and locked through the services; a locked
period's form is refused until it is unlocked on its own page, with a reason its history keeps."""

import pytest
from django.urls import reverse

from projects.choices import PeriodState
from projects.models import IndicatorPeriod
from projects.services import indicators
from tests.admin.pages import posted_as_shown
from tests.factories import TODAY, IndicatorFactory, UserFactory


@pytest.fixture
def root(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, root):
    client.force_login(root)
    return client


def change_url(period) -> str:
    return reverse("admin:projects_indicatorperiod_change", args=[period.pk])


def test_a_period_is_opened_reported_verified_and_locked_then_refuses_changes_until_unlocked(admin_client, root):
    indicator = IndicatorFactory()
    page = admin_client.get(reverse("admin:projects_indicatorperiod_add"))
    added = admin_client.post(
        reverse("admin:projects_indicatorperiod_add"),
        posted_as_shown(page, indicator=indicator.pk, starts_on="2026-01-01", ends_on="2026-03-31", target="300"),
    )
    assert added.status_code == 302
    period = IndicatorPeriod.objects.get()

    page = admin_client.get(change_url(period))
    assert (
        admin_client.post(change_url(period), posted_as_shown(page, actual="280", source="Q1 log")).status_code == 302
    )
    changelist = reverse("admin:projects_indicatorperiod_changelist")
    for action in ("verify", "lock"):
        admin_client.post(changelist, {"action": action, "_selected_action": [period.pk]})
    period.refresh_from_db()
    assert (period.state, period.actual, period.verified_by) == (PeriodState.LOCKED, 280, root)

    page = admin_client.get(change_url(period))
    refused = admin_client.post(change_url(period), posted_as_shown(page, target="1"))
    assert refused.status_code == 200 and "locked" in str(refused.context["adminform"].form.non_field_errors())
    refused_report = admin_client.post(change_url(period), posted_as_shown(page, actual="1"))
    assert refused_report.status_code == 200
    period.refresh_from_db()
    assert (period.state, period.target, period.actual) == (PeriodState.LOCKED, 300, 280)

    unlock = reverse("admin:indicator-period-unlock", args=[period.pk])
    assert admin_client.post(unlock, {"reason": ""}).status_code == 200
    assert admin_client.post(unlock, {"reason": "Supplier re-counted March."}).status_code == 302
    page = admin_client.get(change_url(period))
    assert admin_client.post(change_url(period), posted_as_shown(page, actual="276")).status_code == 302
    period.refresh_from_db()
    assert (period.state, period.actual) == (PeriodState.REPORTED, 276)
    assert period.history.filter(history_change_reason="Supplier re-counted March.", history_user=root).exists()


def test_deleting_an_indicator_with_a_locked_period_is_refused(admin_client, staff):
    period = IndicatorPeriod.objects.create(indicator=IndicatorFactory(), starts_on=TODAY, ends_on=TODAY)
    indicators.report_actual(actor=staff, period_id=period.pk, actual=1)
    indicators.verify_period(actor=staff, period_id=period.pk)
    indicators.lock_period(actor=staff, period_id=period.pk)
    url = reverse("admin:projects_indicator_delete", args=[period.indicator_id])
    response = admin_client.post(url, {"post": "yes"}, follow=True)
    assert "locked periods" in response.content.decode() and IndicatorPeriod.objects.filter(pk=period.pk).exists()
