"""The migration installs the default reminder rules and the beat schedule of registered tasks."""

from django_celery_beat.models import PeriodicTask

from projects import tasks  # noqa: F401  (registers the tasks)
from projects.notifications.models import ReminderRule
from tracker.celery import app


def test_default_rules_and_schedule_exist_after_migrating(db):
    assert sorted(map(str, ReminderRule.objects.filter(active=True))) == [
        "1 day before the due date",
        "14 days before the due date",
        "7 days before the due date",
        "every 7 days while overdue",
        "on the due date",
    ]
    schedule = {t.name: (t.task, t.kwargs, str(t.crontab)) for t in PeriodicTask.objects.filter(enabled=True)}
    assert schedule["Milestone reminders"][:2] == ("projects.tasks.send_reminders", "{}")
    assert schedule["Daily digests"][1] == '{"frequency": "daily"}'
    assert schedule["Weekly digests"][1] == '{"frequency": "weekly"}'
    app.loader.import_default_modules()  # what a starting worker does: it discovers every app's tasks
    assert {task for task, _, _ in schedule.values()} <= set(app.tasks)
