"""Webhook endpoints of the caller: subscribe, change, rotate the secret, read the delivery log, replay.

A partner's write token manages its organisation's endpoints (a read token reads them); programme
managers manage every endpoint. Another organisation's endpoint is "not found", as everything else.
Every write is one service call in `projects.webhooks.services`.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.response import Response

from projects.actors import actor_of
from projects.api import serializers as w
from projects.api.idempotency import idempotent
from projects.api.preconditions import precondition
from projects.api.views.base import require_write, sent, valid
from projects.permissions import get_visible
from projects.webhooks import services
from projects.webhooks.models import Delivery, Endpoint


def endpoints_of(actor):
    return Endpoint.objects.visible_to(actor).select_related("organization", "user").order_by("pk")


def managed_endpoint(request, pk) -> Endpoint:
    """The caller's endpoint (404 if it is not theirs to see), once its token may write (403 if not)."""
    endpoint = get_visible(endpoints_of(actor_of(request)), pk)
    require_write(request)
    return endpoint


@extend_schema_view(get=extend_schema(summary="List webhook endpoints"))
class EndpointList(generics.ListAPIView):
    """Your organisation's webhook endpoints (every endpoint for programme managers), oldest first.

    POST subscribes a URL to event types; the answer carries the signing secret (`whsec_…`), the only time
    it is shown. The URL must be https in production, on port 443, 80 or 8443, and its host must not
    resolve to a loopback, private, link-local, multicast or reserved address (400 naming the address).
    A partner subscribes for its own organisation; a programme manager for an `organization`, or for
    themself (such an endpoint hears of every agreement). Needs a write token.
    """

    serializer_class = w.EndpointOut
    filter_backends = []

    def get_queryset(self):
        return endpoints_of(actor_of(self.request))

    @extend_schema(summary="Subscribe a webhook endpoint", request=w.EndpointIn, responses={201: w.EndpointCreatedOut})
    @idempotent
    def post(self, request):
        require_write(request)
        data = valid(w.EndpointIn, request)
        organization_id = data.pop("organization", None)
        endpoint, secret = services.subscribe(actor=actor_of(request), organization_id=organization_id, **data)
        endpoint.secret = secret
        return sent(w.EndpointCreatedOut, endpoint, status.HTTP_201_CREATED)


class EndpointDetail(generics.GenericAPIView):
    """One webhook endpoint. PATCH `{"active": true}` switches a disabled endpoint on again, its past
    failures forgotten; `{"active": false}` stops deliveries (what it is owed fails, and can be replayed
    once it is on again). DELETE removes it with its delivery log. Writing needs a write token."""

    serializer_class = w.EndpointOut
    sends_etag = True

    @extend_schema(summary="Read a webhook endpoint")
    def get(self, request, pk):
        return sent(w.EndpointOut, get_visible(endpoints_of(actor_of(request)), pk))

    @extend_schema(summary="Change a webhook endpoint", request=w.EndpointUpdateIn)
    def patch(self, request, pk):
        endpoint = managed_endpoint(request, pk)
        changes = valid(w.EndpointUpdateIn, request, partial=True)
        with precondition(request, endpoint) as expected:
            services.update_endpoint(
                actor=actor_of(request), endpoint_id=endpoint.pk, expected_updated_at=expected, **changes
            )
        return self.get(request, pk)

    @extend_schema(summary="Delete a webhook endpoint", responses={204: None})
    def delete(self, request, pk):
        endpoint = managed_endpoint(request, pk)
        with precondition(request, endpoint) as expected:
            services.delete_endpoint(actor=actor_of(request), endpoint_id=endpoint.pk, expected_updated_at=expected)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EndpointRotateSecret(generics.GenericAPIView):
    """A new signing secret, shown in this answer only. The previous secret keeps signing beside it for
    24 hours (`webhook-signature` then carries both signatures), so the receiver can switch without loss."""

    serializer_class = w.SecretOut

    @extend_schema(summary="Rotate a webhook endpoint's signing secret", request=None, responses={200: w.SecretOut})
    @idempotent
    def post(self, request, pk):
        endpoint = managed_endpoint(request, pk)
        secret = services.rotate_secret(actor=actor_of(request), endpoint_id=endpoint.pk)
        return Response(w.SecretOut({"secret": secret}).data)


def deliveries_of(endpoint: Endpoint):
    return (
        Delivery.objects.filter(endpoint=endpoint)
        .select_related("event")
        .prefetch_related("attempts")
        .order_by("-created_at", "-pk")
    )


@extend_schema_view(get=extend_schema(summary="List a webhook endpoint's deliveries"))
class EndpointDeliveries(generics.ListAPIView):
    """The endpoint's delivery log, newest first: each event, its state and every attempt with its time,
    status code, latency and the first kilobyte of the receiver's answer (or why none came)."""

    serializer_class = w.DeliveryOut
    filter_backends = []

    def get_queryset(self):
        return deliveries_of(get_visible(endpoints_of(actor_of(self.request)), self.kwargs["pk"]))


class DeliveryReplay(generics.GenericAPIView):
    """Send one delivery again now, with the event's original `webhook-id`, whatever became of it.
    The endpoint must be active (409)."""

    serializer_class = w.DeliveryOut

    @extend_schema(summary="Replay a webhook delivery", request=None, responses={200: w.DeliveryOut})
    @idempotent
    def post(self, request, pk, delivery_pk):
        endpoint = managed_endpoint(request, pk)
        delivery = get_visible(Delivery.objects.filter(endpoint=endpoint), delivery_pk)
        services.replay_delivery(actor=actor_of(request), endpoint_id=endpoint.pk, delivery_id=delivery.pk)
        return Response(w.DeliveryOut(deliveries_of(endpoint).get(pk=delivery.pk)).data)


class EndpointReplay(generics.GenericAPIView):
    """Send again every event since `since` that was delivered or failed (pending ones are on their way),
    each with its original `webhook-id`; answers how many were queued. The endpoint must be active (409)."""

    serializer_class = w.ReplayedOut

    @extend_schema(
        summary="Replay a webhook endpoint's deliveries since a time",
        request=w.ReplaySinceIn,
        responses={200: w.ReplayedOut},
    )
    @idempotent
    def post(self, request, pk):
        endpoint = managed_endpoint(request, pk)
        since = valid(w.ReplaySinceIn, request)["since"]
        queued = services.replay_since(actor=actor_of(request), endpoint_id=endpoint.pk, since=since)
        return Response(w.ReplayedOut({"queued": queued}).data)
