"""Beat trims the webhook delivery log daily at 04:40 (`WEBHOOK_LOG_DAYS` of events are kept)."""

from django.db import migrations

FORGET = "Forget webhook events past the log's days"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    daily, _ = CrontabSchedule.objects.get_or_create(
        minute="40", hour="4", day_of_week="*", day_of_month="*", month_of_year="*"
    )
    PeriodicTask.objects.get_or_create(
        name=FORGET, defaults={"task": "projects.webhooks.tasks.forget_old_events", "crontab": daily}
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=FORGET).delete()


class Migration(migrations.Migration):
    dependencies = [("webhooks", "0005_names_in_ukrainian")]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
