"""Beat evaluates the alerts daily, before the reminders and digests go out; the task is safe to run twice."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django_celery_beat.models import PeriodicTask

from projects.alerts import tasks
from projects.alerts.models import Alert, AlertRule
from tests.alerts.conftest import watched_from

pytestmark = pytest.mark.usefixtures("alert_rules")


def test_the_migration_sets_default_thresholds_and_a_daily_evaluation_before_the_reminders(db):
    assert sorted(AlertRule.objects.values_list("kind", "days", "active")) == [
        ("missing_status_report", 45, True),
        ("overdue_milestone", 14, True),
        ("period_without_actual", 7, True),
        ("undisbursed_commitment", 60, True),
        ("waiting_change_request", 7, True),
    ]
    evaluation = PeriodicTask.objects.get(name="Evaluate alerts")
    assert (evaluation.task, evaluation.enabled) == ("projects.alerts.tasks.evaluate_alerts", True)
    assert (evaluation.crontab.hour, evaluation.crontab.minute, evaluation.crontab.day_of_week) == ("5", "50", "*")


def test_the_task_evaluates_the_given_day_and_a_second_run_raises_nothing_new(db):
    watched_from(datetime.date(2026, 11, 27))

    first = tasks.evaluate_alerts.delay("2026-11-27").get()
    second = tasks.evaluate_alerts.delay("2026-11-27").get()

    assert first == second == {"holding": 3, "reopened": 0, "resolved": 0}
    assert Alert.objects.count() == 3


def test_the_command_evaluates_a_day_by_hand(db):
    watched_from(datetime.date(2026, 11, 27))
    out = StringIO()

    call_command("evaluate_alerts", "--date", "2026-11-27", stdout=out)
    with pytest.raises(CommandError, match="--date must be YYYY-MM-DD"):
        call_command("evaluate_alerts", "--date", "27/11/2026")

    assert out.getvalue() == "2026-11-27: 3 condition(s) hold, each with its one alert; 0 reopened, 0 resolved.\n"
    assert Alert.objects.count() == 3
