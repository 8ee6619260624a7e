"""What every API view does, in the same order: scope, then permission, then validation, then the service.

Every object is looked up through `projects.permissions` first (404 when it is not the caller's
to see), then the token's scope is checked (403 for read tokens), then the service decides.
Each view states which service creates, changes or removes its records; the classes below run
those steps in that order, with If-Match, Idempotency-Key and the ETag of the result.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.contrib.auth import get_user_model
from django.http import Http404
from django.urls import reverse
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from projects.actors import actor_of
from projects.api.authentication import may_write
from projects.api.filtering import StrictFilterBackend
from projects.api.idempotency import idempotent
from projects.api.pagination import KeysetPages
from projects.api.preconditions import precondition, with_etag
from projects.api.serializers import ChangeReasonQuery, ChangeReasonText
from projects.models import ChangeRequest
from projects.representations import ChangeRequestOut


def require_write(request) -> None:
    if not may_write(request):
        raise PermissionDenied("This token has the read scope; writing needs a token with the write scope.")


def require_staff(request) -> None:
    """Refuse partners before validating a staff-only body, whose errors could describe others' records."""
    require_write(request)
    if not actor_of(request).is_staff:
        raise PermissionDenied("Only programme managers can do this.")


def require_partner_fields(request, allowed: frozenset[str]) -> None:
    """Refuse a partner's body naming fields it may not set before validating it: a field's
    validation error (an unknown user, say) would tell the partner about others' records."""
    require_write(request)
    if actor_of(request).is_staff or not isinstance(request.data, Mapping):
        return
    forbidden = sorted(str(name) for name in request.data if name not in allowed)
    if forbidden:
        raise PermissionDenied(f"Partners may change only {', '.join(sorted(allowed))}; not {', '.join(forbidden)}.")


def staff_member(username: str | None):
    """The programme manager a body names by username; one that names none is 404, as other references."""
    if username is None:
        return None
    user = get_user_model().objects.filter(is_staff=True, username=username).first()
    if user is None:
        raise Http404("No programme manager has this username.")
    return user


def valid(serializer_class, request, *, partial: bool = False) -> dict:
    data = serializer_class(data=request.data, partial=partial)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


def sent(serializer_class, instance, status_code=status.HTTP_200_OK) -> Response:
    """An object response, with the ETag a client sends back in If-Match."""
    return with_etag(Response(serializer_class(instance).data, status=status_code), instance)


def proposed(change_request: ChangeRequest) -> Response:
    """A money write held for approval: 202 with the change request, which says where to follow it."""
    location = reverse("api-change-request", args=[change_request.pk])
    return Response(
        ChangeRequestOut(change_request).data, status=status.HTTP_202_ACCEPTED, headers={"Location": location}
    )


def change_reason(request) -> str:
    """The reason a DELETE of money gives, as the `reason` query parameter (a DELETE has no body)."""
    return valid_query(ChangeReasonQuery, request).get("reason", "")


def require_reason(serializer_class, changes: dict) -> None:
    """A partial change of money still needs its reason while four-eyes approval is on (400 before any 412)."""
    field = serializer_class().fields.get("reason")
    if isinstance(field, ChangeReasonText) and field.required and "reason" not in changes:
        raise serializers.ValidationError({"reason": ["This field is required."]})


def valid_query(serializer_class, request) -> dict:
    data = serializer_class(data=request.query_params.dict())
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


class ListView(generics.ListAPIView):
    """A filtered list of what the actor may see, in pages of rows read column by column.

    Subclasses define `visible(actor)`, the scoped queryset; `ordering`, a unique key; `columns`,
    what `values()` reads; and `represent(rows)`, the rows as their `serializer_class` renders
    them. POST adds a record through `create(actor, data)` with `create_input`: programme
    managers only, unless `partners_create` says partners may (the service then decides).
    """

    pagination_class = KeysetPages
    filter_backends = [StrictFilterBackend]
    create_input = None
    partners_create = False
    four_eyes: frozenset[str] = frozenset()

    def get_queryset(self):
        return self.visible(actor_of(self.request))

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        rows = self.paginator.paginate_rows(queryset, request, self, self.columns)
        return self.paginator.get_paginated_response(self.represent(rows))

    @idempotent
    def post(self, request):
        (require_write if self.partners_create else require_staff)(request)
        created = self.create(actor_of(request), valid(self.create_input, request))
        if isinstance(created, ChangeRequest):
            return proposed(created)
        return sent(self.serializer_class, created, status.HTTP_201_CREATED)


class ObjectView(generics.GenericAPIView):
    """One record, sent with its ETag: `fetch(actor, pk)` looks it up in the actor's scope; DELETE
    (programme managers only) goes through `remove(actor, instance, expected_updated_at)`.

    A write of money may be held for approval: `create`, `change` or `remove` then return the
    `ChangeRequest` and the answer is 202 with it (the methods a view lists in `four_eyes`).
    """

    sends_etag = True
    four_eyes: frozenset[str] = frozenset()  # methods that write money, held for approval (202)

    def get(self, request, pk):
        return sent(self.serializer_class, self.fetch(actor_of(request), pk))

    def delete(self, request, pk):
        actor = actor_of(request)
        instance = self.fetch(actor, pk)
        require_staff(request)
        if "DELETE" in self.four_eyes:
            change_reason(request)  # a malformed reason is refused before If-Match is compared
        with precondition(request, instance) as expected:
            removal = self.remove(actor, instance, expected)
        if isinstance(removal, ChangeRequest):
            return proposed(removal)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ChangeableView(ObjectView):
    """PATCH through `change(actor, instance, expected_updated_at, changes)` with `change_input`:
    programme managers, or partners sending only `partner_fields` (the service then decides)."""

    change_input = None
    partner_fields: frozenset[str] = frozenset()

    def patch(self, request, pk):
        actor = actor_of(request)
        instance = self.fetch(actor, pk)
        if self.partner_fields:
            require_partner_fields(request, self.partner_fields)
        else:
            require_staff(request)
        changes = valid(self.change_input, request, partial=True)
        if "PATCH" in self.four_eyes:
            require_reason(self.change_input, changes)
        with precondition(request, instance) as expected:
            change = self.change(actor, instance, expected, changes)
        if isinstance(change, ChangeRequest):
            return proposed(change)
        return sent(self.serializer_class, self.fetch(actor, pk))
