"""Money changes waiting for a second programme manager: read them, approve or reject them.

A partner reads the requests of agreements it is party to (any other is "not found"); deciding is for
programme managers other than the author. Every decision is one service call.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics
from rest_framework.response import Response

from projects.actors import actor_of
from projects.api import serializers as s
from projects.api.idempotency import idempotent
from projects.api.views.base import require_staff, valid
from projects.models import ChangeRequest
from projects.permissions import get_visible
from projects.representations import ChangeRequestOut
from projects.services.change_requests import approve_change, reject_change


def change_requests_of(actor):
    return ChangeRequest.objects.visible_to(actor).select_related("author_user", "author_organization", "decided_by")


@extend_schema_view(get=extend_schema(summary="List change requests"))
class ChangeRequestList(generics.ListAPIView):
    """Proposed money changes (commitments, disbursements, agreement budgets), newest first.

    While four-eyes approval is on, every money write answers 202 with one of these; it takes effect
    when a second programme manager approves it.
    """

    serializer_class = ChangeRequestOut
    filter_backends = []

    def get_queryset(self):
        return change_requests_of(actor_of(self.request)).order_by("-created_at", "-pk")


@extend_schema_view(get=extend_schema(summary="Read a change request"))
class ChangeRequestDetail(generics.RetrieveAPIView):
    """One proposed money change, with the values before and the values it sets."""

    serializer_class = ChangeRequestOut

    def get_object(self):
        return get_visible(change_requests_of(actor_of(self.request)), self.kwargs["pk"])


class ChangeRequestApprove(generics.GenericAPIView):
    """Apply a pending change now, under today's rules (programme managers other than its author).

    A change that is no longer valid is refused with 409 and the request is recorded as failed, with why.
    """

    serializer_class = ChangeRequestOut

    @extend_schema(summary="Approve a change request", request=None, responses={200: ChangeRequestOut})
    @idempotent
    def post(self, request, pk):
        actor = actor_of(request)
        change_request = get_visible(change_requests_of(actor), pk)
        require_staff(request)
        approved = approve_change(actor=actor, change_request_id=change_request.pk)
        return Response(ChangeRequestOut(approved).data)


class ChangeRequestReject(generics.GenericAPIView):
    """Turn a pending change down with a reason (programme managers other than its author)."""

    serializer_class = ChangeRequestOut

    @extend_schema(summary="Reject a change request", request=s.RejectionIn, responses={200: ChangeRequestOut})
    @idempotent
    def post(self, request, pk):
        actor = actor_of(request)
        change_request = get_visible(change_requests_of(actor), pk)
        require_staff(request)
        data = valid(s.RejectionIn, request)
        rejected = reject_change(actor=actor, change_request_id=change_request.pk, reason=data["reason"])
        return Response(ChangeRequestOut(rejected).data)
