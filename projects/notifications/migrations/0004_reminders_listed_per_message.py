"""Reminders become one message per recipient and day: each milestone a message lists gets its own row.

Existing reminder rows (one per milestone) are folded into one row per recipient and day, listing their
milestones. A day whose reminders were partly sent counts as sent: the recipient heard from us that day,
and the next rule reminds them of the rest. This runs in its own migration (its own transaction) so the
schema changes of the next one do not meet PostgreSQL's pending foreign-key checks.
"""

import django.db.models.deletion
from django.db import migrations, models

CLOSED_FIRST = ["sent", "skipped", "expired", "pending"]  # which status a folded day takes


def fold(rows):
    """The kept row of one recipient's day takes the others' milestones and the most final status."""
    keep = min(rows, key=lambda row: (CLOSED_FIRST.index(row.status), row.pk))
    sent = [row for row in rows if row.sent_at]
    keep.sent_at = min(row.sent_at for row in sent) if sent else None
    keep.attempts = min(sum(row.attempts for row in rows), 32767)
    keep.period = ""
    keep.save(update_fields=["sent_at", "attempts", "period"])
    return keep


def list_milestones_per_message(apps, schema_editor):
    Delivery = apps.get_model("notifications", "Delivery")
    RemindedMilestone = apps.get_model("notifications", "RemindedMilestone")
    days = {}
    for row in Delivery.objects.filter(kind="reminder").order_by("pk"):
        days.setdefault((row.recipient_id, row.on_date), []).append(row)
    for rows in days.values():
        listed = [(r.milestone_id, r.due_on, r.period) for r in rows]
        keep = fold(rows)
        RemindedMilestone.objects.bulk_create(
            [RemindedMilestone(delivery=keep, milestone_id=pk, due_on=due_on, rule=rule) for pk, due_on, rule in listed]
        )
        Delivery.objects.filter(pk__in=[row.pk for row in rows if row.pk != keep.pk]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_constraints_explained_beside_fields"),
        ("projects", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="RemindedMilestone",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("due_on", models.DateField(help_text="The milestone's due date the reminder is about.")),
                (
                    "rule",
                    models.CharField(
                        help_text="The reminder rule that fired, e.g. before:7 or overdue:14.", max_length=16
                    ),
                ),
                (
                    "delivery",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reminded",
                        to="notifications.delivery",
                    ),
                ),
                (
                    "milestone",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="reminders", to="projects.milestone"
                    ),
                ),
            ],
            options={"ordering": ["due_on", "milestone_id"]},
        ),
        migrations.AddConstraint(
            model_name="remindedmilestone",
            constraint=models.UniqueConstraint(
                fields=("delivery", "milestone", "due_on"),
                name="reminded_milestone_once_per_message",
                violation_error_code="duplicate",
            ),
        ),
        migrations.RunPython(list_milestones_per_message, migrations.RunPython.noop),
    ]
