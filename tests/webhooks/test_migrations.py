"""The migration to reasons stored as codes keeps what the log said, now readable in either language."""

import pytest
from django.utils import timezone

from tests.factories import OrganizationFactory
from tests.migrating import migrate, migrate_to_latest

BEFORE = [("webhooks", "0003_event_types_of_indicators_and_change_requests")]
AFTER = [("webhooks", "0004_disabled_and_attempt_reasons_as_codes")]
LOOPBACK = "Refused: localhost resolves to 127.0.0.1, a loopback address; webhooks go only to public addresses."
TIMEOUT = "ReadTimeoutError: HTTPConnectionPool(host='127.0.0.1', port=8443): Read timed out. (read timeout=2.0)"


@pytest.mark.django_db(transaction=True)
def test_stored_english_reasons_become_codes_and_back():
    organization = OrganizationFactory()
    try:
        old = migrate(BEFORE)
        Endpoint = old.get_model("webhooks", "Endpoint")
        now = timezone.now()

        def endpoint(reason: str):
            return Endpoint.objects.create(
                url="https://hooks.example/",
                organization_id=organization.pk,
                active=False,
                disabled_at=now,
                disabled_reason=reason,
            )

        failing = endpoint("Every delivery failed for days; fix the receiver, then enable it again.")
        switched_off = endpoint("Disabled by Alpha Dynamics.")
        stated = endpoint("ERP migration")
        event = old.get_model("webhooks", "Event").objects.create(type="milestone.updated", body="{}")
        delivery = old.get_model("webhooks", "Delivery").objects.create(event=event, endpoint=failing)
        Attempt = old.get_model("webhooks", "DeliveryAttempt")
        refused, timed_out, answered = (
            Attempt.objects.create(delivery=delivery, succeeded=False, error=error) for error in (LOOPBACK, TIMEOUT, "")
        )

        new = migrate(AFTER)
        endpoints = new.get_model("webhooks", "Endpoint").objects
        assert [
            endpoints.values_list("disabled_code", "disabled_detail").get(pk=e.pk)
            for e in (failing, switched_off, stated)
        ] == [("failing", ""), ("switched_off", "Alpha Dynamics"), ("stated", "ERP migration")]
        attempts = new.get_model("webhooks", "DeliveryAttempt").objects
        assert attempts.values_list("error_code", "error_detail").get(pk=refused.pk) == (
            "refused",
            {"refusal": "forbidden_address", "params": {"host": "localhost", "ip": "127.0.0.1", "kind": "loopback"}},
        )
        assert attempts.values_list("error_code", "error_detail").get(pk=timed_out.pk) == (
            "no_answer",
            {"error": TIMEOUT},
        )
        assert attempts.values_list("error_code", "error_detail").get(pk=answered.pk) == ("", {})

        back = migrate(BEFORE)
        assert back.get_model("webhooks", "DeliveryAttempt").objects.get(pk=refused.pk).error == LOOPBACK
        assert back.get_model("webhooks", "DeliveryAttempt").objects.get(pk=timed_out.pk).error == (
            f"No answer: {TIMEOUT}"
        )
        assert back.get_model("webhooks", "Endpoint").objects.get(pk=switched_off.pk).disabled_reason == (
            "Disabled by Alpha Dynamics."
        )
    finally:
        migrate_to_latest()
