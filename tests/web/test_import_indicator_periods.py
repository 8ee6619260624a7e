"""Importing indicator periods: new periods are opened, actuals reported through the services, and a locked
period refuses the whole file until it is unlocked."""

import pytest

from projects.choices import PeriodState
from projects.models import IndicatorPeriod
from projects.services import indicators
from tests.factories import AgreementFactory, IndicatorFactory
from tests.web.test_imports import confirm, upload


@pytest.fixture
def indicator(db):
    return IndicatorFactory(agreement=AgreementFactory(reference="UA-GB-2026-007"), title="Interceptor line")


def periods_csv(*rows: str) -> bytes:
    return ("agreement,indicator,starts_on,ends_on,target,actual,source\n" + "\n".join(rows) + "\n").encode()


def test_periods_are_opened_and_actuals_reported_and_a_locked_period_refuses_the_file(
    manager_client, staff, staff_user, indicator
):
    first = periods_csv(
        "UA-GB-2026-007,Interceptor line,2026-01-01,2026-03-31,300,280,Q1 log",
        "UA-GB-2026-007,Interceptor line,2026-04-01,2026-06-30,300,,",
    )
    preview = upload(manager_client, "indicator-periods", "periods.csv", first)
    assert [row.outcome for row in preview.context["rows"]] == ["new", "new"]
    confirm(manager_client, "indicator-periods", preview)
    q1, q2 = IndicatorPeriod.objects.order_by("starts_on")
    assert (q1.state, q1.actual, q1.source, q1.reported_by_user) == (PeriodState.REPORTED, 280, "Q1 log", staff_user)
    assert (q2.state, q2.actual, q2.target) == (PeriodState.OPEN, None, 300)

    indicators.verify_period(actor=staff, period_id=q1.pk)
    indicators.lock_period(actor=staff, period_id=q1.pk)
    correction = periods_csv(
        "UA-GB-2026-007,Interceptor line,2026-01-01,2026-03-31,300,275,Q1 audit",
        "UA-GB-2026-007,Interceptor line,2026-04-01,2026-06-30,300,120,Q2 log",
    )
    refused = upload(manager_client, "indicator-periods", "periods.csv", correction)
    errors = [row.errors for row in refused.context["rows"]]
    assert "locked" in " ".join(errors[0]) and errors[1] == []
    confirm(manager_client, "indicator-periods", refused)
    q1.refresh_from_db(), q2.refresh_from_db()
    assert (q1.state, q1.actual, q2.actual) == (PeriodState.LOCKED, 280, None)  # nothing of the file was kept

    indicators.unlock_period(actor=staff, period_id=q1.pk, reason="Audit corrected Q1.")
    confirm(manager_client, "indicator-periods", upload(manager_client, "indicator-periods", "p.csv", correction))
    q1.refresh_from_db(), q2.refresh_from_db()
    assert (q1.state, q1.actual, q2.actual) == (PeriodState.REPORTED, 275, 120)
    assert q1.history.filter(history_change_reason="Audit corrected Q1.").exists()


def test_an_unknown_indicator_is_that_rows_error(manager_client, indicator):
    preview = upload(
        manager_client, "indicator-periods", "p.csv", periods_csv("UA-GB-2026-007,Shell line,2026-01-01,2026-03-31,1,,")
    )
    assert preview.context["rows"][0].errors == [
        "indicator: Agreement “UA-GB-2026-007” has no indicator titled “Shell line”."
    ]
    assert not IndicatorPeriod.objects.exists()
