"""The hourly purge of idempotency keys is now the API's own task; its beat entry follows it."""

from django.db import migrations

OLD, NEW = "projects.tasks.purge_idempotency_keys", "projects.api.tasks.purge_idempotency_keys"


def rename(old, new):
    def run(apps, schema_editor):
        apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=old).update(task=new)

    return run


class Migration(migrations.Migration):
    dependencies = [("api", "0002_purge_schedule")]

    operations = [migrations.RunPython(rename(OLD, NEW), rename(NEW, OLD))]
