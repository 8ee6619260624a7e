"""Default alert thresholds (60, 45 and 14 days) and the daily evaluation at 05:50, before reminders and digests."""

from django.db import migrations

RULES = [("undisbursed_commitment", 60), ("missing_status_report", 45), ("overdue_milestone", 14)]
EVALUATION = "Evaluate alerts"


def create_defaults(apps, schema_editor):
    AlertRule = apps.get_model("alerts", "AlertRule")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for kind, days in RULES:
        AlertRule.objects.get_or_create(kind=kind, defaults={"days": days})
    daily, _ = CrontabSchedule.objects.get_or_create(
        minute="50", hour="5", day_of_week="*", day_of_month="*", month_of_year="*"
    )
    PeriodicTask.objects.get_or_create(
        name=EVALUATION, defaults={"task": "projects.alerts.tasks.evaluate_alerts", "crontab": daily}
    )


def remove_defaults(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=EVALUATION).delete()
    apps.get_model("alerts", "AlertRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0001_rules_and_alerts"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_defaults, remove_defaults)]
