"""OpenAPI details drf-spectacular cannot infer: the bearer scheme, problem responses, concurrency
headers, exact query parameters and request bodies, and a summary and description per operation."""

import inspect

from django_filters import filters as django_filters
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from projects.api.fields import DATE, MAX_ID, NOT_BLANK, ecma
from projects.api.idempotency import KEY_PATTERN
from projects.api.preconditions import IF_MATCH_PATTERN
from projects.api.problems import PROBLEM_CONTENT_TYPE
from projects.api.serializers import REASON_IN_QUERY, ChangeReasonText, In
from projects.filters import IdFilter
from projects.representations import ChangeRequestOut
from projects.services.four_eyes import four_eyes_on


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
    "GET": ("400", "401", "403", "404", "406", "429"),
    "POST": ("400", "401", "403", "404", "406", "409", "412", "415", "422", "429"),
    "PATCH": ("400", "401", "403", "404", "406", "409", "412", "415", "429"),
    "DELETE": ("400", "401", "403", "404", "406", "409", "412", "429"),
}

IF_MATCH = OpenApiParameter(
    "If-Match",
    {"type": "string", "pattern": IF_MATCH_PATTERN},
    OpenApiParameter.HEADER,
    description='The ETag you read (`"…"`, several separated by commas, or `*`); a write over a newer '
    "version is refused with 412. Without it the last write wins.",
)
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    {"type": "string", "pattern": KEY_PATTERN, "minLength": 1, "maxLength": 255},
    OpenApiParameter.HEADER,
    description="A unique key per intended write (printable ASCII, token-scoped, kept 24 hours): retries return "
    "the first response; the same key with a different body is refused with 422.",
)
ETAG = OpenApiParameter(
    "ETag",
    str,
    OpenApiParameter.HEADER,
    response=["200", "201"],
    description="The version of the record; send it back in If-Match.",
)


def delete_reason() -> OpenApiParameter:
    """Required while four-eyes approval is on: the schema describes the deployment it is served by."""
    return OpenApiParameter(
        "reason",
        {"type": "string", "minLength": 1, "maxLength": REASON_IN_QUERY, "pattern": ecma(NOT_BLANK)},
        OpenApiParameter.QUERY,
        required=four_eyes_on(),
        description="Why the money record goes; required while four-eyes approval is on (FOUR_EYES_MONEY).",
    )


# Query parameters exactly as the lists read them (django-filter's own schema is looser).
NO_NULS = "^[^\\u0000]+$"
FILTER_SCHEMAS = {
    IdFilter: {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    django_filters.CharFilter: {"type": "string", "minLength": 1, "pattern": NO_NULS},
    django_filters.DateFilter: {"type": "string", "format": "date", "pattern": DATE},
    # Times whose UTC value stays within years 1–9999, without leap seconds.
    django_filters.IsoDateTimeFilter: {
        "type": "string",
        "format": "date-time",
        "pattern": "^(?!0000|0001|9999)(?!.*T[0-9]{2}:[0-9]{2}:60)[0-9]{4}-",
    },
}
WHO_WRITES = "Programme managers only."


class ApiSchema(AutoSchema):
    """Reads the write shapes the views declare (`create_input`, `change_input`) and adds the protocol."""

    def get_request_serializer(self):
        if self.method == "POST" and getattr(self.view, "create_input", None) is not None:
            return self.view.create_input
        if self.method == "PATCH" and getattr(self.view, "change_input", None) is not None:
            return self.view.change_input(partial=True)
        return super().get_request_serializer()

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "request" and isinstance(serializer, In):
            schema["additionalProperties"] = False  # unknown fields are refused, not ignored
            if isinstance(serializer.fields.get("reason"), ChangeReasonText) and four_eyes_on():
                schema["required"] = sorted({*schema.get("required", ()), "reason"})  # a partial PATCH's too
        return schema

    def _get_filter_parameters(self):
        parameters = super()._get_filter_parameters()
        filterset_class = getattr(self.view, "filterset_class", None)
        for parameter in parameters:
            declared = filterset_class.base_filters.get(parameter["name"]) if filterset_class else None
            exact = next((schema for kind, schema in FILTER_SCHEMAS.items() if type(declared) is kind), None)
            if exact is not None:
                parameter["schema"] = dict(exact)
        return parameters

    def get_summary(self):
        return summary_of(self.view, self.method)

    def get_description(self):
        """The view's own docstring (the ones views inherit explain the code, not the API) and the method's rules."""
        own = inspect.cleandoc(type(self.view).__dict__.get("__doc__") or "")
        return "\n\n".join(part for part in (own, rules_of(self.view, self.method, self._is_list_view())) if part)

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        versioned = getattr(self.view, "sends_etag", False)  # the views that honour If-Match
        if versioned and self.method in ("PATCH", "DELETE", "POST"):
            parameters.append(IF_MATCH)
        if self.method == "POST":
            parameters.append(IDEMPOTENCY_KEY)
        if self.method == "DELETE" and self.method in getattr(self.view, "four_eyes", ()):
            parameters.append(delete_reason())
        creates = self.method == "POST" and getattr(self.view, "create_input", None) is not None
        if creates or (versioned and self.method != "DELETE"):
            parameters.append(ETAG)
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if self.method == "POST" and getattr(self.view, "create_input", None) is not None and "200" in responses:
            responses["201"] = responses.pop("200")
        if self.method in getattr(self.view, "four_eyes", ()):
            # Held for a second programme manager's approval while FOUR_EYES_MONEY is on.
            responses["202"] = self._get_response_for_code(ChangeRequestOut, "202", direction=direction)
        for code in PROBLEMS_BY_METHOD.get(self.method, ()):
            if code not in responses:
                responses[code] = self._get_response_for_code(ProblemOut, code, [PROBLEM_CONTENT_TYPE], direction)
        # The front server refuses an over-long request line before the application reads it, in its own format.
        responses.setdefault("414", {"description": "The URL is longer than the server accepts (URI Too Long)."})
        return responses


def thing(view, *, plural: bool = False) -> str:
    meta = view.serializer_class.Meta.model._meta
    return str(meta.verbose_name_plural if plural else meta.verbose_name)


def summary_of(view, method: str) -> str:
    """A short title: the view's own `summaries`, else read from the kind of view and the method."""
    own = getattr(view, "summaries", {}).get(method)
    if own:
        return own
    if getattr(view, "ordering", None):
        return {"GET": f"List {thing(view, plural=True)}", "POST": f"Add a {thing(view)}"}[method]
    return {"GET": f"Read a {thing(view)}", "PATCH": f"Change a {thing(view)}", "DELETE": f"Delete a {thing(view)}"}[
        method
    ]


def rules_of(view, method: str, is_list: bool) -> str:
    if method == "GET" and is_list and getattr(view, "ordering", None):
        return (
            "In pages of `page_size` rows: follow `next` and `previous`. With `updated_after` the list is in "
            "(updated_at, id) order, for incremental sync; it stops short of changes still being written, which "
            "come on the next sync."
        )
    if method == "GET":
        return "Sends the record's ETag." if getattr(view, "sends_etag", False) else ""
    partners = (
        getattr(view, "partners_create", False) if method == "POST" else bool(getattr(view, "partner_fields", ()))
    )
    who = "Programme managers, and partners within the rules above." if partners else WHO_WRITES
    safety = {
        "POST": "An Idempotency-Key makes a retry safe.",
        "PATCH": "Send only the fields that change; If-Match refuses a stale write with 412.",
        "DELETE": "If-Match refuses deleting a version you have not seen with 412.",
    }[method]
    return f"{who} {safety}"
