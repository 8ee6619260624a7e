"""Two more kinds: an indicator period ended without an actual (7 days) and a change request waiting (7 days)."""

from django.db import migrations, models

import projects.models.base

RULES = [("period_without_actual", 7), ("waiting_change_request", 7)]


def create_defaults(apps, schema_editor):
    AlertRule = apps.get_model("alerts", "AlertRule")
    for kind, days in RULES:
        AlertRule.objects.get_or_create(kind=kind, defaults={"days": days})


def remove_defaults(apps, schema_editor):
    kinds = [kind for kind, _ in RULES]
    apps.get_model("alerts", "Alert").objects.filter(kind__in=kinds).delete()
    apps.get_model("alerts", "AlertRule").objects.filter(kind__in=kinds).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('alerts', '0002_default_rules_and_schedule'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='alertrule',
            name='alert_rule_kind_valid',
        ),
        migrations.AlterField(
            model_name='alert',
            name='kind',
            field=models.CharField(choices=[('undisbursed_commitment', 'Committed, not disbursed'), ('missing_status_report', 'No status report'), ('overdue_milestone', 'Milestone long overdue'), ('period_without_actual', 'Period ended, no actual'), ('waiting_change_request', 'Change request waiting')], max_length=32, verbose_name='kind'),
        ),
        migrations.AlterField(
            model_name='alertrule',
            name='kind',
            field=models.CharField(choices=[('undisbursed_commitment', 'Committed, not disbursed'), ('missing_status_report', 'No status report'), ('overdue_milestone', 'Milestone long overdue'), ('period_without_actual', 'Period ended, no actual'), ('waiting_change_request', 'Change request waiting')], max_length=32, unique=True, verbose_name='kind'),
        ),
        migrations.AddConstraint(
            model_name='alertrule',
            constraint=projects.models.base.FieldCheckConstraint(condition=models.Q(('kind__in', ['undisbursed_commitment', 'missing_status_report', 'overdue_milestone', 'period_without_actual', 'waiting_change_request'])), field='kind', name='alert_rule_kind_valid', violation_error_code='constraint', violation_error_message='Choose a known kind of alert.'),
        ),
        migrations.RunPython(create_defaults, remove_defaults),
    ]
