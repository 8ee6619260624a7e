"""Agreements: the list and one agreement, its lifecycle moves, its parties, funding summary and history."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from projects import filters, permissions
from projects.actors import actor_of
from projects.api import serializers as s
from projects.api.columns import TIMESTAMPS, day, money, organization_columns, organization_ref, timestamps
from projects.api.idempotency import idempotent
from projects.api.pagination import KeysetPages
from projects.api.preconditions import precondition
from projects.api.problems import PROBLEM_CONTENT_TYPE
from projects.api.schema import ProblemOut
from projects.api.views.base import ChangeableView, ListView, require_staff, sent, staff_member, valid
from projects.changelog import agreement_changes
from projects.choices import AGREEMENT_TRANSITIONS, AgreementStatus
from projects.models import Agreement, AgreementParty, Capability
from projects.selectors import funding_summary
from projects.services import agreements
from projects.services.change_requests import change_agreement

# The moves out of each status, in the lifecycle's order (what `Agreement.allowed_transitions` gives).
MOVES = {
    current: [status for status in AgreementStatus.values if status in AGREEMENT_TRANSITIONS[current]]
    for current in AgreementStatus.values
}


def agreements_of(actor):
    """Agreements with their parties, capabilities and manager loaded in a fixed number of queries."""
    return (
        Agreement.objects.visible_to(actor)
        .select_related("programme_manager")
        .prefetch_related(
            "capabilities",
            Prefetch("parties", queryset=AgreementParty.objects.select_related("organization")),
        )
    )


def capabilities_of(agreement_ids: list[int]) -> dict[int, list[dict]]:
    links = (
        Agreement.capabilities.through.objects.filter(agreement_id__in=agreement_ids)
        .order_by("capability__name")
        .values_list("agreement_id", "capability_id", "capability__slug", "capability__name")
    )
    found = {pk: [] for pk in agreement_ids}
    for agreement_id, pk, slug, name in links:
        found[agreement_id].append({"id": pk, "slug": slug, "name": name})
    return found


def parties_of(agreement_ids: list[int]) -> dict[int, list[dict]]:
    """Each agreement's parties in the model's order (role, then organisation), without joining agreements."""
    parties = (
        AgreementParty.objects.filter(agreement_id__in=agreement_ids)
        .order_by("role", "organization__name")
        .values("agreement_id", "id", "role", *organization_columns("organization"))
    )
    found = {pk: [] for pk in agreement_ids}
    for party in parties:
        found[party["agreement_id"]].append(
            {"id": party["id"], "organization": organization_ref(party, "organization"), "role": party["role"]}
        )
    return found


def with_references(data: dict) -> dict:
    """The body's programme manager and capabilities as records; any that does not exist is 404."""
    if "programme_manager" in data:
        data["programme_manager"] = staff_member(data["programme_manager"])
    if "capabilities" in data:
        wanted = set(data["capabilities"])
        found = list(Capability.objects.filter(pk__in=wanted))
        if len(found) != len(wanted):
            raise Http404("No capability matches the given id.")
        data["capabilities"] = found
    return data


class AgreementList(ListView):
    """Agreements the caller may see: a partner only those its organisation is party to."""

    serializer_class = s.AgreementOut
    filterset_class = filters.AgreementFilter
    create_input = s.AgreementIn
    ordering = ("reference", "id")
    columns = (
        "id",
        "reference",
        "title",
        "summary",
        "kind",
        "status",
        "signed_on",
        "starts_on",
        "ends_on",
        "currency",
        "budget",
        "programme_manager__username",
        *TIMESTAMPS,
    )

    def visible(self, actor):
        return Agreement.objects.visible_to(actor)

    def represent(self, rows):
        zone = timezone.get_current_timezone()
        ids = [row["id"] for row in rows]
        capabilities, parties = capabilities_of(ids), parties_of(ids)
        return [
            {
                "id": row["id"],
                "reference": row["reference"],
                "title": row["title"],
                "summary": row["summary"],
                "kind": row["kind"],
                "status": row["status"],
                "allowed_transitions": list(MOVES[row["status"]]),
                "signed_on": day(row["signed_on"]),
                "starts_on": day(row["starts_on"]),
                "ends_on": day(row["ends_on"]),
                "currency": row["currency"],
                "budget": money(row["budget"]),
                "programme_manager": row["programme_manager__username"],
                "capabilities": capabilities[row["id"]],
                "parties": parties[row["id"]],
                **timestamps(row, zone),
            }
            for row in rows
        ]

    def create(self, actor, data):
        agreement = agreements.create_agreement(actor=actor, **with_references(data))
        return permissions.get_visible(agreements_of(actor), agreement.pk)


class AgreementDetail(ChangeableView):
    """One agreement with its parties, capabilities and the status moves open to it."""

    four_eyes = frozenset({"PATCH"})  # a new budget
    serializer_class = s.AgreementOut
    change_input = s.AgreementUpdateIn

    def fetch(self, actor, pk):
        return permissions.get_visible(agreements_of(actor), pk)

    def change(self, actor, agreement, expected, changes):
        return change_agreement(
            actor=actor, agreement_id=agreement.pk, expected_updated_at=expected, **with_references(changes)
        ).change_request

    def remove(self, actor, agreement, expected):
        agreements.delete_agreement(actor=actor, agreement_id=agreement.pk, expected_updated_at=expected)


class AgreementTransition(generics.GenericAPIView):
    """Move an agreement along its lifecycle (draft → negotiating → signed → active → completed …)."""

    serializer_class = s.AgreementOut
    sends_etag = True
    summaries = {"POST": "Move an agreement to another status"}

    @extend_schema(request=s.TransitionIn, responses={200: s.AgreementOut})
    @idempotent
    def post(self, request, pk):
        actor = actor_of(request)
        agreement = permissions.access_agreement(actor, pk)
        require_staff(request)
        data = valid(s.TransitionIn, request)
        with precondition(request, agreement) as expected:
            agreements.transition_agreement(
                actor=actor, agreement_id=agreement.pk, expected_updated_at=expected, **data
            )
        return sent(s.AgreementOut, permissions.get_visible(agreements_of(actor), agreement.pk))


class AgreementParties(generics.GenericAPIView):
    """Give an organisation a role on the agreement (programme managers)."""

    serializer_class = s.PartyOut
    summaries = {"POST": "Give an organisation a role on an agreement"}

    @extend_schema(request=s.PartyIn, responses={201: s.PartyOut})
    @idempotent
    def post(self, request, pk):
        actor = actor_of(request)
        agreement = permissions.access_agreement(actor, pk)
        require_staff(request)
        data = valid(s.PartyIn, request)
        organization = permissions.access_organization(actor, data["organization"])
        party = agreements.add_party(
            actor=actor, agreement_id=agreement.pk, organization_id=organization.pk, role=data["role"]
        )
        return Response(s.PartyOut(party).data, status=status.HTTP_201_CREATED)


class AgreementPartyDetail(generics.GenericAPIView):
    """Take a role on the agreement away from an organisation (programme managers)."""

    serializer_class = s.PartyOut
    summaries = {"DELETE": "Take an organisation's role on an agreement away"}

    @extend_schema(responses={204: None})
    def delete(self, request, pk, party_pk):
        actor = actor_of(request)
        party = permissions.access_party(permissions.access_agreement(actor, pk), party_pk)
        require_staff(request)
        agreements.remove_party(actor=actor, party_id=party.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AgreementFundingSummary(generics.GenericAPIView):
    """Budget against pledged, committed and disbursed money; the gap counts firm commitments only."""

    serializer_class = s.FundingSummaryOut
    summaries = {"GET": "Read an agreement's funding summary"}

    @extend_schema(
        parameters=[s.FundingSummaryQuery],
        responses={200: s.FundingSummaryOut, (409, PROBLEM_CONTENT_TYPE): ProblemOut},
    )
    def get(self, request, pk):
        agreement = permissions.access_agreement(actor_of(request), pk)
        query = s.FundingSummaryQuery(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        summary = funding_summary(agreement, **query.validated_data).rounded()
        data = {
            "currency": summary.currency,
            "as_of": query.validated_data.get("as_of") or timezone.localdate(),
            "budget": summary.budget,
            "pledged": summary.pledged,
            "committed": summary.committed,
            "disbursed": summary.disbursed,
            "released_not_disbursed": summary.released_not_disbursed,
            "gap": summary.gap,
            "gap_if_pledges_honoured": summary.gap_if_pledges_honoured,
            "unfunded_share": summary.unfunded_share,
        }
        return Response(s.FundingSummaryOut(data).data)


class AgreementHistory(generics.ListAPIView):
    """Who changed what and when, on the agreement and everything hanging off it, newest first."""

    serializer_class = s.HistoryEntryOut
    summaries = {"GET": "Read an agreement's history"}
    pagination_class = KeysetPages
    filter_backends = []

    def get_queryset(self):
        return agreement_changes(permissions.access_agreement(actor_of(self.request), self.kwargs["pk"]))
