"""The delivery log keys reminders by recipient and day; the milestones they list live in RemindedMilestone."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0004_reminders_listed_per_message"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="delivery", name="delivery_reminder_once"),
        migrations.RemoveConstraint(model_name="delivery", name="delivery_subject_matches_kind"),
        migrations.RemoveField(model_name="delivery", name="due_on"),
        migrations.RemoveField(model_name="delivery", name="milestone"),
        migrations.AlterField(
            model_name="delivery",
            name="on_date",
            field=models.DateField(help_text="Reminders: the day the rules fire. Digest: the first day of its period."),
        ),
        migrations.AlterField(
            model_name="delivery",
            name="period",
            field=models.CharField(blank=True, help_text="A digest's frequency; blank for reminders.", max_length=16),
        ),
        migrations.AddConstraint(
            model_name="delivery",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind", "reminder")),
                fields=("recipient", "on_date"),
                name="delivery_reminders_once_a_day",
                violation_error_code="duplicate",
                violation_error_message="This recipient's reminders of that day are already planned.",
            ),
        ),
        migrations.AddConstraint(
            model_name="delivery",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("kind", "reminder"), ("period", "")),
                    models.Q(("kind", "digest"), ("period__in", ["daily", "weekly"])),
                    _connector="OR",
                ),
                name="delivery_period_matches_kind",
                violation_error_code="invalid",
                violation_error_message="A digest is daily or weekly; reminders have no period.",
            ),
        ),
        migrations.AlterConstraint(
            model_name="delivery",
            name="delivery_digest_once_per_period",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind", "digest")),
                fields=("recipient", "period", "on_date"),
                name="delivery_digest_once_per_period",
                violation_error_code="duplicate",
                violation_error_message="This recipient's digest of that period is already planned.",
            ),
        ),
    ]
