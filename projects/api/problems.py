"""Every API error as an RFC 9457 problem (`application/problem+json`), domain errors included.

The domain knows no HTTP: the status of each `ErrorCode` is decided here.
"""

from __future__ import annotations

from http import HTTPStatus

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.views import exception_handler

from projects.errors import DomainError, ErrorCode

PROBLEM_CONTENT_TYPE = "application/problem+json"

STATUS_BY_CODE = {
    ErrorCode.INVALID: status.HTTP_400_BAD_REQUEST,
    ErrorCode.NOT_A_PARTY: status.HTTP_400_BAD_REQUEST,
    ErrorCode.PERMISSION_DENIED: status.HTTP_403_FORBIDDEN,
    ErrorCode.TRANSITION_NOT_ALLOWED: status.HTTP_409_CONFLICT,
    ErrorCode.NOT_COMMITTED: status.HTTP_409_CONFLICT,
    ErrorCode.OVER_DISBURSED: status.HTTP_409_CONFLICT,
    ErrorCode.COMMITMENT_HAS_DISBURSEMENTS: status.HTTP_409_CONFLICT,
    ErrorCode.MISSING_RATE: status.HTTP_409_CONFLICT,
    ErrorCode.DUPLICATE: status.HTTP_409_CONFLICT,
    ErrorCode.CONFLICT: status.HTTP_409_CONFLICT,
    ErrorCode.PERIOD_LOCKED: status.HTTP_409_CONFLICT,
    ErrorCode.APPROVAL_REQUIRED: status.HTTP_409_CONFLICT,
    ErrorCode.SELF_APPROVAL: status.HTTP_403_FORBIDDEN,
    ErrorCode.ALREADY_DECIDED: status.HTTP_409_CONFLICT,
    ErrorCode.CHANGE_FAILED: status.HTTP_409_CONFLICT,
}


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = gettext_lazy(
        "The record has changed since you read it (If-Match does not match its ETag); fetch it again."
    )
    default_code = "precondition_failed"


class IdempotencyKeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = gettext_lazy("This Idempotency-Key was already used for a different request; use a new key.")
    default_code = "idempotency_key_reused"


class IdempotencyKeyInFlight(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("A request with this Idempotency-Key is still being processed; retry shortly.")
    default_code = "idempotency_key_in_flight"


# The titles of the statuses the API answers with, in the request's language (Accept-Language); the `type`,
# `code` and the field names of `errors` stay English whatever the language: clients match on them.
TITLES = {
    400: gettext_lazy("Bad Request"),
    401: gettext_lazy("Unauthorized"),
    403: gettext_lazy("Forbidden"),
    404: gettext_lazy("Not Found"),
    405: gettext_lazy("Method Not Allowed"),
    406: gettext_lazy("Not Acceptable"),
    409: gettext_lazy("Conflict"),
    412: gettext_lazy("Precondition Failed"),
    413: gettext_lazy("Content Too Large"),
    414: gettext_lazy("URI Too Long"),
    415: gettext_lazy("Unsupported Media Type"),
    422: gettext_lazy("Unprocessable Content"),
    428: gettext_lazy("Precondition Required"),
    429: gettext_lazy("Too Many Requests"),
    500: gettext_lazy("Internal Server Error"),
    503: gettext_lazy("Service Unavailable"),
}


def problem(status_code: int, code: str, detail: str, errors: dict | None = None) -> dict:
    title = TITLES.get(status_code)
    body = {
        "type": f"urn:coproduction-tracker:problem:{code}",
        "title": str(title) if title is not None else HTTPStatus(status_code).phrase,
        "status": status_code,
        "detail": str(detail),
        "code": code,
    }
    if errors:
        body["errors"] = errors
    return body


def field_errors(detail, prefix: str = "") -> dict[str, list[str]]:
    """Flatten DRF's nested error detail into {"field.sub": [messages]}; "__all__" for the whole body."""
    if isinstance(detail, dict):
        flat = {}
        for name, value in detail.items():
            name = "__all__" if name == "non_field_errors" else str(name)
            flat.update(field_errors(value, f"{prefix}.{name}" if prefix else name))
        return flat
    if isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        flat = {}
        for index, value in enumerate(detail):
            flat.update(field_errors(value, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    messages = detail if isinstance(detail, list) else [detail]
    return {prefix or "__all__": [str(message) for message in messages]}


def problem_exception_handler(exc, context):
    if isinstance(exc, DomainError):
        exc = DomainProblem(exc)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or None)
    elif isinstance(exc, ObjectDoesNotExist):  # a row deleted between lookup and write
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, DomainProblem):
        response.data = problem(exc.status_code, exc.error.code, exc.error.message, exc.error.errors)
    elif isinstance(exc, exceptions.ValidationError):
        errors = field_errors(exc.detail)
        detail = _("Some fields are invalid: %(fields)s.") % {"fields": ", ".join(errors)}
        response.data = problem(response.status_code, "invalid", detail, errors)
    else:
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else str(response.data)
        response.data = problem(response.status_code, code if isinstance(code, str) else "error", str(detail))
    request = context.get("request")
    renderer = getattr(request, "accepted_renderer", None)
    if renderer is None or renderer.format == "json":
        response.content_type = PROBLEM_CONTENT_TYPE
    return response


class DomainProblem(exceptions.APIException):
    """A service's DomainError carried through DRF's handler, with its HTTP status."""

    def __init__(self, error: DomainError):
        self.error = error
        self.status_code = STATUS_BY_CODE.get(error.code, status.HTTP_400_BAD_REQUEST)
        super().__init__(error.message, str(error.code))


@csrf_exempt  # it changes nothing, and must answer every method with the problem shape
def unknown_route(request, *args, **kwargs):
    """A path under /api/v1/ that names no resource gets the same problem shape as every other error."""
    body = problem(status.HTTP_404_NOT_FOUND, "not_found", _("There is no such resource; see /api/v1/docs/."))
    return JsonResponse(body, status=status.HTTP_404_NOT_FOUND, content_type=PROBLEM_CONTENT_TYPE)
