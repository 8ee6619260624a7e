"""The agreement page's indicators: programme managers define them, open periods, report, verify, lock and
unlock; a locked period's forms are refused until it is unlocked with a reason, which the history shows."""

import pytest
from django.urls import reverse

from projects.choices import PeriodState
from projects.models import Indicator, IndicatorPeriod
from tests.factories import IndicatorFactory, IndicatorPeriodFactory, PartyFactory


@pytest.fixture
def period(db):
    indicator = IndicatorFactory(title="Interceptor line", unit="interceptor drones")
    return IndicatorPeriodFactory(indicator=indicator)


def version(period) -> str:
    period.refresh_from_db()
    return period.updated_at.isoformat()


def test_a_manager_defines_an_indicator_and_opens_a_period_from_the_agreement_page(manager_client):
    party = PartyFactory()
    agreement = party.agreement
    shells = agreement.capabilities.create(name="Ammunition", slug="ammunition")
    created = manager_client.post(
        reverse("indicator-create", args=[agreement.pk]),
        {
            "title": "Shell line",
            "kind": "capacity",
            "unit": "155 mm shells",
            "capability": shells.pk,
            "responsible": party.organization_id,
            "baseline": "0",
            "target": "120000",
        },
    )
    assert created.status_code == 302
    indicator = Indicator.objects.get(title="Shell line")
    opened = manager_client.post(
        reverse("period-open", args=[indicator.pk]), {"starts_on": "2026-01-01", "ends_on": "2026-12-31"}
    )
    assert opened.status_code == 302
    page = manager_client.get(reverse("agreement", args=[agreement.pk])).content.decode()
    assert "Shell line" in page and "1 Jan 2026 – 31 Dec 2026" in page and "No periods opened yet." not in page


def test_report_verify_lock_then_every_form_refuses_until_unlocked_with_a_reason(manager_client, period):
    agreement_page = reverse("agreement", args=[period.indicator.agreement_id])
    reported = manager_client.post(
        reverse("period-report", args=[period.pk]),
        {"actual": "240", "source": "Line log", "expected_updated_at": version(period)},
    )
    assert reported.status_code == 302
    for name in ("verify", "lock"):
        response = manager_client.post(
            reverse(f"period-{name}", args=[period.pk]), {"expected_updated_at": version(period)}
        )
        assert response.status_code == 302
    period.refresh_from_db()
    assert (period.state, period.actual) == (PeriodState.LOCKED, 240)
    assert "Unlock" in manager_client.get(agreement_page).content.decode()

    for name, data in [("report", {"actual": "1"}), ("verify", {}), ("lock", {})]:
        refused = manager_client.post(reverse(f"period-{name}", args=[period.pk]), data)
        assert refused.status_code == 200
        assert "locked" in " ".join(refused.context["form"].non_field_errors())
    period.refresh_from_db()
    assert (period.state, period.actual) == (PeriodState.LOCKED, 240)

    no_reason = manager_client.post(reverse("period-unlock", args=[period.pk]), {"reason": ""})
    assert no_reason.status_code == 200 and no_reason.context["form"].errors["reason"]
    unlocked = manager_client.post(
        reverse("period-unlock", args=[period.pk]), {"reason": "Double count in March.", "expected_updated_at": ""}
    )
    assert unlocked.status_code == 302
    assert manager_client.post(reverse("period-report", args=[period.pk]), {"actual": "228"}).status_code == 302
    period.refresh_from_db()
    assert (period.state, period.actual) == (PeriodState.REPORTED, 228)
    assert "Double count in March." in manager_client.get(agreement_page).content.decode()


def test_viewers_see_indicators_but_get_no_forms(viewer_client, period):
    page = viewer_client.get(reverse("agreement", args=[period.indicator.agreement_id]))
    assert (
        "Interceptor line" in page.content.decode()
        and reverse("period-report", args=[period.pk]) not in page.content.decode()
    )
    assert viewer_client.post(reverse("period-report", args=[period.pk]), {"actual": "5"}).status_code == 403
    assert IndicatorPeriod.objects.get().state == PeriodState.OPEN
