"""Default reminder rules (14, 7, 1 days before, on the due date, weekly while overdue) and the beat schedule."""

from django.db import migrations

RULES = [("before_due", 14), ("before_due", 7), ("before_due", 1), ("before_due", 0), ("overdue", 7)]
# (name, task, crontab fields, kwargs); beat's DatabaseScheduler reads these rows, admins may edit them.
SCHEDULE = [
    ("Milestone reminders", "projects.tasks.send_reminders", {"minute": "0", "hour": "6"}, "{}"),
    ("Daily digests", "projects.tasks.send_digests", {"minute": "0", "hour": "7"}, '{"frequency": "daily"}'),
    (
        "Weekly digests",
        "projects.tasks.send_digests",
        {"minute": "0", "hour": "7", "day_of_week": "1"},
        '{"frequency": "weekly"}',
    ),
]


def create_defaults(apps, schema_editor):
    ReminderRule = apps.get_model("notifications", "ReminderRule")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for kind, days in RULES:
        ReminderRule.objects.get_or_create(kind=kind, days=days)
    for name, task, when, kwargs in SCHEDULE:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            **{"minute": "*", "hour": "*", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*", **when}
        )
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "crontab": crontab, "kwargs": kwargs})


def remove_defaults(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=[s[0] for s in SCHEDULE]).delete()
    apps.get_model("notifications", "ReminderRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_defaults, remove_defaults)]
