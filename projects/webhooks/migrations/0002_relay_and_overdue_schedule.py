"""Beat runs the delivery relay every minute and the overdue-milestone scan daily at 06:10."""

from django.db import migrations

RELAY = "Relay due webhook deliveries"
OVERDUE = "Webhook events for milestones fallen overdue"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.get_or_create(name=RELAY, defaults={"task": "projects.webhooks.tasks.relay", "interval": minute})
    daily, _ = CrontabSchedule.objects.get_or_create(
        minute="10", hour="6", day_of_week="*", day_of_month="*", month_of_year="*"
    )
    PeriodicTask.objects.get_or_create(
        name=OVERDUE, defaults={"task": "projects.webhooks.tasks.emit_overdue_milestones", "crontab": daily}
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=[RELAY, OVERDUE]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("webhooks", "0001_endpoints_events_deliveries"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
