"""OpenAPI details drf-spectacular cannot infer: the bearer scheme, problem responses, concurrency headers."""

import inspect

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from projects.api.problems import PROBLEM_CONTENT_TYPE


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "projects.api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token from `create_api_token` or the admin: `Authorization: Bearer cpt_…`.",
        }


class ProblemOut(serializers.Serializer):
    """RFC 9457 problem details; `errors` maps each invalid field ("__all__" for the whole body) to messages."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    code = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)


PROBLEMS_BY_METHOD = {
    "GET": ("400", "401", "403", "404", "429"),
    "POST": ("400", "401", "403", "404", "409", "422", "429"),
    "PATCH": ("400", "401", "403", "404", "409", "412", "429"),
    "PUT": ("400", "401", "403", "404", "409", "412", "429"),
    "DELETE": ("400", "401", "403", "404", "409", "412", "429"),
}

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="The ETag you read; a write over a newer version is refused with 412.",
)
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="A unique key per intended write (token-scoped, kept 24 hours): retries return the first "
    "response; the same key with a different body is refused with 422.",
)
ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=["200", "201"],
    description="The version of the record; send it back in If-Match.",
)


class ApiSchema(AutoSchema):
    """Reads the write shapes the views declare (`create_input`, `change_input`) and adds the protocol."""

    def get_request_serializer(self):
        if self.method == "POST" and getattr(self.view, "create_input", None) is not None:
            return self.view.create_input
        if self.method == "PATCH" and getattr(self.view, "change_input", None) is not None:
            return self.view.change_input(partial=True)
        return super().get_request_serializer()

    def get_description(self):
        """The view's own docstring: the ones views inherit explain the code, not the API."""
        return inspect.cleandoc(type(self.view).__dict__.get("__doc__") or "")

    def _is_create_operation(self):
        return self.method == "POST" and getattr(self.view, "create_input", None) is not None

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self.method in ("PATCH", "PUT", "DELETE"):
            parameters.append(IF_MATCH)
        if self.method == "POST":
            parameters.append(IDEMPOTENCY_KEY)
        creates = self.method == "POST" and getattr(self.view, "create_input", None) is not None
        if creates or (getattr(self.view, "sends_etag", False) and self.method != "DELETE"):
            parameters.append(ETAG)
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in PROBLEMS_BY_METHOD.get(self.method, ()):
            if code not in responses:
                responses[code] = self._get_response_for_code(ProblemOut, code, [PROBLEM_CONTENT_TYPE], direction)
        return responses
