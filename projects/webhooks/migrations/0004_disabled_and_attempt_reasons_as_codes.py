"""Why an endpoint is off and why an attempt got no answer: stored as a code and its data, put into words
when read (in the reader's language) instead of English sentences written by the worker."""

import re

from django.db import migrations, models
from django.db.models import F
from django.db.models.functions import JSONObject
from django.utils import translation

FAILING = "Every delivery failed for days"
SWITCHED_OFF = re.compile(r"Disabled by (?P<who>.+)\.")
FORBIDDEN = re.compile(
    r"Refused: (?P<host>.+) resolves to (?P<ip>\S+), a (?P<kind>.+) address; webhooks go only to public addresses\."
)
ADDRESS_KINDS = {
    "loopback": "loopback",
    "private": "private",
    "unspecified": "unspecified",
    "link-local (including cloud metadata services)": "link_local",
    "multicast": "multicast",
    "reserved": "reserved",
}


def to_codes(apps, schema_editor):
    Endpoint = apps.get_model("webhooks", "Endpoint")
    for endpoint in Endpoint.objects.exclude(disabled_reason=""):
        reason = endpoint.disabled_reason
        switched_off = SWITCHED_OFF.fullmatch(reason)
        if reason.startswith(FAILING):
            endpoint.disabled_code, endpoint.disabled_detail = "failing", ""
        elif switched_off:
            endpoint.disabled_code, endpoint.disabled_detail = "switched_off", switched_off["who"]
        else:
            endpoint.disabled_code, endpoint.disabled_detail = "stated", reason
        if not endpoint.active:
            endpoint.save(update_fields=["disabled_code", "disabled_detail"])
    DeliveryAttempt = apps.get_model("webhooks", "DeliveryAttempt")
    failed = DeliveryAttempt.objects.exclude(error="")
    failed.exclude(error__startswith="Refused: ").update(error_code="no_answer", error_detail=JSONObject(error=F("error")))
    for attempt in failed.filter(error__startswith="Refused: "):
        forbidden = FORBIDDEN.fullmatch(attempt.error)
        if forbidden and forbidden["kind"] in ADDRESS_KINDS:
            params = {"host": forbidden["host"], "ip": forbidden["ip"], "kind": ADDRESS_KINDS[forbidden["kind"]]}
            attempt.error_detail = {"refusal": "forbidden_address", "params": params}
        else:
            attempt.error_detail = {"text": attempt.error}
        attempt.error_code = "refused"
        attempt.save(update_fields=["error_code", "error_detail"])


def to_sentences(apps, schema_editor):
    from projects.webhooks.reasons import attempt_error_text, disabled_reason_text

    with translation.override("en-gb"):
        for endpoint in apps.get_model("webhooks", "Endpoint").objects.exclude(disabled_code=""):
            endpoint.disabled_reason = disabled_reason_text(endpoint.disabled_code, endpoint.disabled_detail)[:250]
            endpoint.save(update_fields=["disabled_reason"])
        for attempt in apps.get_model("webhooks", "DeliveryAttempt").objects.exclude(error_code=""):
            attempt.error = attempt_error_text(attempt.error_code, attempt.error_detail)[:500]
            attempt.save(update_fields=["error"])


class Migration(migrations.Migration):

    dependencies = [
        ('webhooks', '0003_event_types_of_indicators_and_change_requests'),
    ]

    operations = [
        migrations.AddField(
            model_name='deliveryattempt',
            name='error_code',
            field=models.CharField(blank=True, choices=[('refused', 'Address refused'), ('no_answer', 'No answer')], help_text='Why no answer came, if none did.', max_length=16),
        ),
        migrations.AddField(
            model_name='deliveryattempt',
            name='error_detail',
            field=models.JSONField(blank=True, default=dict, help_text="The data behind the code: the refusal and its host, the network's error."),
        ),
        migrations.AddField(
            model_name='endpoint',
            name='disabled_code',
            field=models.CharField(blank=True, choices=[('failing', 'Every delivery failed for days'), ('switched_off', 'Switched off by its owner or a programme manager'), ('stated', 'A reason was given')], max_length=16),
        ),
        migrations.AddField(
            model_name='endpoint',
            name='disabled_detail',
            field=models.CharField(blank=True, help_text='Who switched it off, or the reason they gave, as written.', max_length=250),
        ),
        migrations.RunPython(to_codes, to_sentences),
        migrations.RemoveField(
            model_name='deliveryattempt',
            name='error',
        ),
        migrations.RemoveField(
            model_name='endpoint',
            name='disabled_reason',
        ),
        migrations.AddConstraint(
            model_name='deliveryattempt',
            constraint=models.CheckConstraint(condition=models.Q(('error_code__in', ['', 'refused', 'no_answer'])), name='webhook_attempt_error_code_valid', violation_error_code='invalid'),
        ),
        migrations.AddConstraint(
            model_name='endpoint',
            constraint=models.CheckConstraint(condition=models.Q(('disabled_code__in', ['', 'failing', 'switched_off', 'stated']), models.Q(('active', False), ('disabled_code', ''), _connector='OR')), name='webhook_endpoint_disabled_code_valid', violation_error_code='invalid', violation_error_message='A disabled endpoint says why with a known code; an active one has none.'),
        ),
    ]
