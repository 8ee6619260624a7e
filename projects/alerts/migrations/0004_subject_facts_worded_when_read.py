"""What an alert is about: stored as facts (names, amounts, dates, codes) worded when shown, in the reader's
language, instead of a label worded in the language of the evaluation that raised it."""

import re

from django.db import migrations, models
from django.utils import translation

COMMITMENT = re.compile(r"(?P<funder>.+): (?P<amount>[\d,]+\.\d\d) (?P<currency>[A-Z]{3})")
PERIOD = re.compile(r"(?P<indicator>.+): (?P<starts_on>\d{4}-\d\d-\d\d) – (?P<ends_on>\d{4}-\d\d-\d\d)")


def facts_of(apps, alert) -> dict:
    """The facts the label was made of, read back from it (as raised), with the names' Ukrainian forms."""
    label = alert.subject_label
    get = lambda name: apps.get_model("projects", name).objects.filter(pk=alert.subject_id).first()  # noqa: E731
    if alert.kind == "overdue_milestone":
        return {"title": label}
    if alert.kind == "missing_status_report":
        agreement = get("Agreement")
        if agreement is not None and label.startswith(f"{agreement.reference} "):
            title = label.removeprefix(f"{agreement.reference} ")
            title_uk = agreement.title_uk if title == agreement.title else ""
            return {"reference": agreement.reference, "title": title, "title_uk": title_uk}
    if alert.kind == "undisbursed_commitment" and (found := COMMITMENT.fullmatch(label)):
        commitment = get("FundingCommitment")
        funder = commitment and apps.get_model("projects", "Organization").objects.get(pk=commitment.funder_id)
        funder_uk = funder.name_uk if funder and funder.name == found["funder"] else ""
        amount = found["amount"].replace(",", "")
        return {"funder": found["funder"], "funder_uk": funder_uk, "amount": amount, "currency": found["currency"]}
    if alert.kind == "period_without_actual" and (found := PERIOD.fullmatch(label)):
        return found.groupdict()
    if alert.kind == "waiting_change_request":
        request = get("ChangeRequest")
        if request is not None and ": " in label:
            reason = label.split(": ", 1)[1]
            return {"number": request.pk, "operation": request.operation, "target": request.target, "reason": reason}
    return {"label": label}


def to_facts(apps, schema_editor):
    for alert in apps.get_model("alerts", "Alert").objects.all():
        alert.subject_facts = facts_of(apps, alert)
        alert.save(update_fields=["subject_facts"])


def to_labels(apps, schema_editor):
    from projects.alerts.labels import subject_label

    with translation.override("en-gb"):
        for alert in apps.get_model("alerts", "Alert").objects.all():
            alert.subject_label = subject_label(alert.kind, alert.subject_facts)[:300]
            alert.save(update_fields=["subject_label"])


class Migration(migrations.Migration):

    dependencies = [
        ('alerts', '0003_period_and_change_request_rules'),
        ('projects', '0008_ukrainian_names'),
    ]

    operations = [
        migrations.AddField(
            model_name='alert',
            name='subject_facts',
            field=models.JSONField(default=dict, help_text='What the alert is about, as raised: names, amounts, dates.', verbose_name='subject'),
        ),
        migrations.RunPython(to_facts, to_labels),
        # A default, so that going back can add the column again to a table with rows.
        migrations.AlterField(
            model_name='alert',
            name='subject_label',
            field=models.CharField(default='', help_text='What the alert is about, as raised.', max_length=300, verbose_name='subject'),
        ),
        migrations.RemoveField(
            model_name='alert',
            name='subject_label',
        ),
    ]
