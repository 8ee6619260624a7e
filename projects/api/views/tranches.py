"""Tranches of commitments: read by everyone who sees the commitment, released by programme managers.

They are planned in the administration; through the API a programme manager releases one for payment
once its milestone is done, and a partner's payments (`POST /disbursements/` with `tranche`) draw on it.
"""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics

from projects import filters, permissions
from projects.actors import actor_of
from projects.api import serializers as s
from projects.api.columns import COMMITMENT_MONEY, TIMESTAMPS, commitment_money, day, moment, timestamps
from projects.api.idempotency import idempotent
from projects.api.views.base import ListView, ObjectView, require_staff, sent
from projects.models import Tranche
from projects.services import tranches


class TrancheList(ListView):
    """The tranches of the commitments the caller may see, in the order they are planned."""

    http_method_names = ["get", "head", "options"]
    serializer_class = s.TrancheOut
    filterset_class = filters.TrancheFilter
    ordering = ("commitment_id", "planned_on", "id")
    columns = (
        "id",
        *COMMITMENT_MONEY,
        "planned_on",
        "milestone_id",
        "released_at",
        "released_by__username",
        *TIMESTAMPS,
    )

    def visible(self, actor):
        return Tranche.objects.visible_to(actor)

    def represent(self, rows):
        zone = timezone.get_current_timezone()
        return [
            {
                "id": row["id"],
                **commitment_money(row),
                "planned_on": day(row["planned_on"]),
                "milestone": row["milestone_id"],
                "released_at": None if row["released_at"] is None else moment(row["released_at"], zone),
                "released_by": row["released_by__username"],
                **timestamps(row, zone),
            }
            for row in rows
        ]


class TrancheDetail(ObjectView):
    """One tranche: its amount, the milestone it waits for, and when and by whom it was released."""

    http_method_names = ["get", "head", "options"]
    serializer_class = s.TrancheOut

    def fetch(self, actor, pk):
        return permissions.access_tranche(actor, pk)


class TrancheRelease(generics.GenericAPIView):
    """Release a tranche for payment (programme managers); one tied to a milestone only once it is done (400),
    and only once (409)."""

    serializer_class = s.TrancheOut
    summaries = {"POST": "Release a tranche for payment"}

    @extend_schema(request=None, responses={200: s.TrancheOut})
    @idempotent
    def post(self, request, pk):
        actor = actor_of(request)
        tranche = permissions.access_tranche(actor, pk)
        require_staff(request)
        tranches.release_tranche(actor=actor, tranche_id=tranche.pk)
        return sent(s.TrancheOut, permissions.access_tranche(actor, pk))
