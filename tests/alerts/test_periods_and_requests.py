"""An indicator period ended without an actual, and a change request left pending, each raise one alert."""

import datetime

import pytest
import time_machine

from projects.actors import Actor
from projects.alerts.models import Alert, AlertKind, AlertRule
from projects.alerts.services import evaluate_alerts, set_alert_rule
from projects.models import ChangeRequest
from projects.services.change_requests import reject_change
from projects.services.indicators import report_actual
from tests.alerts.conftest import DAY, at_six, waiting_from
from tests.alerts.test_evaluation import RUN_DAYS
from tests.factories import AgreementFactory

pytestmark = pytest.mark.usefixtures("alert_rules")
SYSTEM = Actor.system()
KINDS = ["period_without_actual", "waiting_change_request"]


def evaluate(day: datetime.date):
    with time_machine.travel(at_six(day), tick=False):
        return evaluate_alerts(actor=SYSTEM, today=day)


def raised() -> list[tuple[str, str, datetime.date]]:
    return sorted(Alert.objects.filter(kind__in=KINDS).values_list("kind", "state", "since"))


@pytest.mark.parametrize("day", RUN_DAYS, ids=lambda day: f"{day:%a-%Y-%m-%d}")
def test_each_raises_its_alert_the_day_after_seven_days_and_only_once(db, day):
    waiting = waiting_from(day, AgreementFactory())

    evaluate(day - DAY)
    assert raised() == []
    evaluate(day)
    evaluate(day)
    evaluate(day + DAY)
    assert raised() == [
        ("period_without_actual", "open", day - 8 * DAY),
        ("waiting_change_request", "open", day - 8 * DAY),
    ]
    assert Alert.objects.get(kind=AlertKind.PERIOD_WITHOUT_ACTUAL).occurrence == (
        f"period_without_actual:{waiting.period.pk}:{day - 8 * DAY:%Y-%m-%d}"
    )
    request = Alert.objects.get(kind=AlertKind.WAITING_CHANGE_REQUEST)
    assert request.occurrence == f"waiting_change_request:{waiting.change_request.pk}:{day - 8 * DAY:%Y-%m-%d}"
    assert request.subject_label == f"#{waiting.change_request.pk} Change Agreement budget: A second production line"
    assert request.agreement_id == waiting.change_request.agreement_id


def test_across_a_month_end_each_alert_comes_on_its_own_day(db):
    """A period ended Fri 23 Jan 2026 (alert Sat 31), a request proposed Sun 25 Jan (alert Mon 2 Feb)."""
    waiting = waiting_from(datetime.date(2026, 1, 31), AgreementFactory())
    ChangeRequest.objects.filter(pk=waiting.change_request.pk).update(created_at=at_six(datetime.date(2026, 1, 25)))

    seen = {}
    for day in [datetime.date(2026, 1, 29) + n * DAY for n in range(6)]:
        evaluate(day)
        seen[f"{day:%a %d}"] = sorted(Alert.objects.showing().values_list("kind", flat=True))

    assert seen == {
        "Thu 29": [],
        "Fri 30": [],
        "Sat 31": ["period_without_actual"],
        "Sun 01": ["period_without_actual"],
        "Mon 02": KINDS,
        "Tue 03": KINDS,
    }


def test_reporting_the_actual_and_deciding_the_request_resolve_them(db, staff):
    day = datetime.date(2026, 11, 27)
    waiting = waiting_from(day, AgreementFactory())
    evaluate(day)

    report_actual(actor=staff, period_id=waiting.period.pk, actual=420)
    evaluate(day + DAY)
    assert raised() == [
        ("period_without_actual", "resolved", day - 8 * DAY),
        ("waiting_change_request", "open", day - 8 * DAY),
    ]

    reject_change(actor=staff, change_request_id=waiting.change_request.pk, reason="Not this year")
    evaluate(day + 2 * DAY)
    assert raised() == [
        ("period_without_actual", "resolved", day - 8 * DAY),
        ("waiting_change_request", "resolved", day - 8 * DAY),
    ]


def test_their_thresholds_are_edited_like_the_others(db, staff):
    day = datetime.date(2026, 11, 27)
    waiting_from(day, AgreementFactory())
    for kind in KINDS:
        set_alert_rule(actor=staff, rule_id=AlertRule.objects.get(kind=kind).pk, days=8, active=True)

    evaluate(day)
    assert raised() == []
    evaluate(day + DAY)
    assert [kind for kind, _, _ in raised()] == KINDS


def test_terminated_agreements_raise_no_period_alert(db):
    day = datetime.date(2026, 11, 27)
    waiting_from(day, AgreementFactory(status="terminated"))

    evaluate(day)
    assert raised() == [("waiting_change_request", "open", day - 8 * DAY)]
