"""Shapes of webhook endpoints, their secrets and their delivery log in the API."""

from __future__ import annotations

import re

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from projects.api.serializers import In
from projects.representations import OrganizationRef
from projects.webhooks.choices import EventType
from projects.webhooks.models import Delivery, DeliveryAttempt, Endpoint

URL = r"\Ahttps?://[^\x00-\x20\x7f]{1,492}\Z"
# RFC 3339 with its offset: a time without one would be read in the server's zone.
MOMENT = r"^(?!0000)[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?(Z|[+-][0-9]{2}:[0-9]{2})$"


@extend_schema_field({"type": "boolean"})
class Flag(serializers.BooleanField):
    """true or false as JSON booleans only (DRF would also take "yes", 1, "on")."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


@extend_schema_field({"type": "string", "format": "date-time", "pattern": MOMENT})
class Moment(serializers.DateTimeField):
    """An ISO 8601 time with its offset (`Z` or `±hh:mm`)."""

    def to_internal_value(self, value):
        if not isinstance(value, str) or re.fullmatch(MOMENT, value) is None:
            raise serializers.ValidationError("Give a time with its offset, e.g. 2026-11-28T06:00:00Z.")
        return super().to_internal_value(value)


def event_types(**options) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.ChoiceField(EventType.choices), min_length=1, max_length=len(EventType), **options
    )


class EndpointOut(serializers.ModelSerializer):
    events = serializers.ListField(child=serializers.ChoiceField(EventType.choices))
    organization = OrganizationRef(allow_null=True, help_text="The partner organisation it belongs to.")
    manager = serializers.SlugRelatedField(
        source="user",
        slug_field="username",
        read_only=True,
        allow_null=True,
        help_text="The programme manager it belongs to (it hears of every agreement).",
    )

    class Meta:
        model = Endpoint
        fields = [
            "id",
            "url",
            "events",
            "active",
            "description",
            "organization",
            "manager",
            "failing_since",
            "disabled_at",
            "disabled_reason",
            "created_at",
            "updated_at",
        ]


class EndpointCreatedOut(EndpointOut):
    secret = serializers.CharField(help_text="The signing secret (whsec_…), shown this once.")

    class Meta(EndpointOut.Meta):
        fields = [*EndpointOut.Meta.fields, "secret"]


def url(**options) -> serializers.RegexField:
    return serializers.RegexField(
        URL, max_length=500, error_messages={"invalid": "Give an http:// or https:// URL."}, **options
    )


class EndpointUpdateIn(In):
    url = url(required=False)
    events = event_types(required=False)
    description = serializers.CharField(max_length=250, required=False, allow_blank=True, trim_whitespace=False)
    active = Flag(required=False)


class EndpointIn(EndpointUpdateIn):
    url = url()
    events = event_types()
    active = Flag(required=False, default=True)
    organization = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, required=False, help_text="Programme managers: the organisation it is for."
    )


class SecretOut(serializers.Serializer):
    secret = serializers.CharField(help_text="The new signing secret (whsec_…), shown this once.")


class AttemptOut(serializers.ModelSerializer):
    class Meta:
        model = DeliveryAttempt
        fields = ["attempted_at", "succeeded", "status_code", "latency_ms", "response_body", "error"]


class DeliveryOut(serializers.ModelSerializer):
    webhook_id = serializers.CharField(source="event.message_id", help_text="The `webhook-id` of every attempt.")
    type = serializers.ChoiceField(EventType.choices, source="event.type")
    occurred_at = serializers.DateTimeField(source="event.occurred_at")
    attempts = AttemptOut(many=True)

    class Meta:
        model = Delivery
        fields = [
            "id",
            "webhook_id",
            "type",
            "occurred_at",
            "status",
            "failures",
            "next_attempt_at",
            "finished_at",
            "attempts",
        ]


class ReplaySinceIn(In):
    since = Moment(help_text="Events from this time on are sent again.")


class ReplayedOut(serializers.Serializer):
    queued = serializers.IntegerField(help_text="How many deliveries were queued again.")
