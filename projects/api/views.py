"""API views: reads over the actor's scoped querysets, one service call per write.

Every object is looked up through `projects.permissions` first (404 when it is not the caller's
to see), then the token's scope is checked (403 for read tokens), then the service decides.
Each view states which service creates, changes or removes its records; the mixins below run
those steps in that order, with If-Match, Idempotency-Key and the ETag of the result.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from projects import filters, permissions
from projects.actors import actor_of
from projects.api import serializers as s
from projects.api.authentication import may_write
from projects.api.idempotency import idempotent
from projects.api.pagination import Pages
from projects.api.preconditions import precondition, with_etag
from projects.api.problems import PROBLEM_CONTENT_TYPE
from projects.api.schema import ProblemOut
from projects.changelog import agreement_changes
from projects.models import Agreement as AgreementModel
from projects.models import AgreementParty, Disbursement, FundingCommitment, Milestone, StatusReport
from projects.selectors import funding_summary
from projects.services import agreements, funding, milestones, organizations, reports
from projects.services.milestones import PROGRESS_FIELDS


def require_write(request) -> None:
    if not may_write(request):
        raise PermissionDenied("This token has the read scope; writing needs a token with the write scope.")


def require_staff(request) -> None:
    """Refuse partners before validating a staff-only body, whose errors could describe others' records."""
    require_write(request)
    if not actor_of(request).is_staff:
        raise PermissionDenied("Only programme managers can do this.")


def valid(serializer_class, request, *, partial: bool = False) -> dict:
    data = serializer_class(data=request.data, partial=partial)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


def sent(serializer_class, instance, status_code=status.HTTP_200_OK) -> Response:
    """An object response, with the ETag a client sends back in If-Match."""
    return with_etag(Response(serializer_class(instance).data, status=status_code), instance)


class ListView(generics.ListAPIView):
    """A paginated, filtered list of what the actor may see, in a stable order.

    Subclasses define `visible(actor)`, the scoped queryset. POST adds a record through
    `create(actor, data)` with `create_input`: programme managers only, unless `partners_create`
    says partners may (the service then decides on the object).
    """

    pagination_class = Pages
    create_input = None
    partners_create = False

    def get_queryset(self):
        queryset = self.visible(actor_of(self.request))
        return queryset.order_by(*queryset.model._meta.ordering, "pk")

    @idempotent
    def post(self, request):
        (require_write if self.partners_create else require_staff)(request)
        created = self.create(actor_of(request), valid(self.create_input, request))
        return sent(self.serializer_class, created, status.HTTP_201_CREATED)


class ObjectView(generics.GenericAPIView):
    """One record, sent with its ETag: `fetch(actor, pk)` looks it up in the actor's scope; DELETE
    (programme managers only) goes through `remove(actor, instance, expected_updated_at)`."""

    sends_etag = True

    def get(self, request, pk):
        return sent(self.serializer_class, self.fetch(actor_of(request), pk))

    def delete(self, request, pk):
        actor = actor_of(request)
        instance = self.fetch(actor, pk)
        require_staff(request)
        with precondition(request, instance) as expected:
            self.remove(actor, instance, expected)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ChangeableView(ObjectView):
    """PATCH through `change(actor, instance, expected_updated_at, changes)` with `change_input`:
    programme managers, or partners if `partners_change` (the service then decides on the object)."""

    change_input = None
    partners_change = False

    def patch(self, request, pk):
        actor = actor_of(request)
        instance = self.fetch(actor, pk)
        (require_write if self.partners_change else require_staff)(request)
        changes = valid(self.change_input, request, partial=True)
        with precondition(request, instance) as expected:
            self.change(actor, instance, expected, changes)
        return sent(self.serializer_class, self.fetch(actor, pk))


# Organisations and capabilities ------------------------------------------------------------


class OrganizationList(ListView):
    serializer_class = s.OrganizationOut
    filterset_class = filters.OrganizationFilter
    create_input = s.OrganizationIn

    def visible(self, actor):
        return permissions.visible_organizations(actor)

    def create(self, actor, data):
        return organizations.create_organization(actor=actor, **data)


class OrganizationDetail(ChangeableView):
    serializer_class = s.OrganizationOut
    change_input = s.OrganizationIn

    def fetch(self, actor, pk):
        return permissions.access_organization(actor, pk)

    def change(self, actor, organization, expected, changes):
        organizations.update_organization(
            actor=actor, organization_id=organization.pk, expected_updated_at=expected, **changes
        )

    def remove(self, actor, organization, expected):
        organizations.delete_organization(actor=actor, organization_id=organization.pk, expected_updated_at=expected)


class CapabilityList(ListView):
    serializer_class = s.CapabilityOut
    filterset_class = filters.CapabilityFilter
    create_input = s.CapabilityIn

    def visible(self, actor):
        return permissions.visible_capabilities()

    def create(self, actor, data):
        return organizations.create_capability(actor=actor, **data)


class CapabilityDetail(ChangeableView):
    serializer_class = s.CapabilityOut
    change_input = s.CapabilityIn

    def fetch(self, actor, pk):
        return permissions.access_capability(pk)

    def change(self, actor, capability, expected, changes):
        organizations.update_capability(
            actor=actor, capability_id=capability.pk, expected_updated_at=expected, **changes
        )

    def remove(self, actor, capability, expected):
        organizations.delete_capability(actor=actor, capability_id=capability.pk, expected_updated_at=expected)


# Agreements ------------------------------------------------------------------------------


def agreements_of(actor):
    """Agreements with their parties, capabilities and manager loaded in a fixed number of queries."""
    return (
        AgreementModel.objects.visible_to(actor)
        .select_related("programme_manager")
        .prefetch_related(
            "capabilities",
            Prefetch("parties", queryset=AgreementParty.objects.select_related("organization")),
        )
    )


class AgreementList(ListView):
    serializer_class = s.AgreementOut
    filterset_class = filters.AgreementFilter
    create_input = s.AgreementIn

    def visible(self, actor):
        return agreements_of(actor)

    def create(self, actor, data):
        agreement = agreements.create_agreement(actor=actor, **data)
        return permissions.get_visible(agreements_of(actor), agreement.pk)


class AgreementDetail(ChangeableView):
    serializer_class = s.AgreementOut
    change_input = s.AgreementIn

    def fetch(self, actor, pk):
        return permissions.get_visible(agreements_of(actor), pk)

    def change(self, actor, agreement, expected, changes):
        agreements.update_agreement(actor=actor, agreement_id=agreement.pk, expected_updated_at=expected, **changes)

    def remove(self, actor, agreement, expected):
        agreements.delete_agreement(actor=actor, agreement_id=agreement.pk, expected_updated_at=expected)


class AgreementTransition(generics.GenericAPIView):
    """Move an agreement along its lifecycle (draft → negotiating → signed → active → completed …)."""

    serializer_class = s.AgreementOut
    sends_etag = True

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
    serializer_class = s.PartyOut

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
    serializer_class = s.PartyOut

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
            "gap": summary.gap,
            "gap_if_pledges_honoured": summary.gap_if_pledges_honoured,
            "unfunded_share": summary.unfunded_share,
        }
        return Response(s.FundingSummaryOut(data).data)


class AgreementHistory(generics.ListAPIView):
    """Who changed what and when, on the agreement and everything hanging off it, newest first."""

    serializer_class = s.HistoryEntryOut
    pagination_class = Pages
    filter_backends = []

    def get_queryset(self):
        return agreement_changes(permissions.access_agreement(actor_of(self.request), self.kwargs["pk"]))


# Funding ---------------------------------------------------------------------------------


class CommitmentList(ListView):
    serializer_class = s.CommitmentOut
    filterset_class = filters.CommitmentFilter
    create_input = s.CommitmentIn

    def visible(self, actor):
        return FundingCommitment.objects.visible_to(actor).select_related("funder")

    def create(self, actor, data):
        agreement = permissions.access_agreement(actor, data.pop("agreement"))
        funder = permissions.access_organization(actor, data.pop("funder"))
        return funding.record_commitment(actor=actor, agreement_id=agreement.pk, funder_id=funder.pk, **data)


class CommitmentDetail(ChangeableView):
    serializer_class = s.CommitmentOut
    change_input = s.CommitmentUpdateIn

    def fetch(self, actor, pk):
        return permissions.access_commitment(actor, pk)

    def change(self, actor, commitment, expected, changes):
        funding.update_commitment(actor=actor, commitment_id=commitment.pk, expected_updated_at=expected, **changes)

    def remove(self, actor, commitment, expected):
        funding.delete_commitment(actor=actor, commitment_id=commitment.pk, expected_updated_at=expected)


class DisbursementList(ListView):
    """Programme managers record any disbursement; a partner only against commitments it funds."""

    serializer_class = s.DisbursementOut
    filterset_class = filters.DisbursementFilter
    create_input = s.DisbursementIn
    partners_create = True

    def visible(self, actor):
        return Disbursement.objects.visible_to(actor).select_related("commitment")

    def create(self, actor, data):
        commitment = permissions.access_commitment(actor, data.pop("commitment"))
        return funding.record_disbursement(actor=actor, commitment_id=commitment.pk, **data)


class DisbursementDetail(ObjectView):
    serializer_class = s.DisbursementOut

    def fetch(self, actor, pk):
        return permissions.access_disbursement(actor, pk)

    def remove(self, actor, disbursement, expected):
        funding.delete_disbursement(actor=actor, disbursement_id=disbursement.pk, expected_updated_at=expected)


# Milestones and status reports -----------------------------------------------------------


class MilestoneList(ListView):
    serializer_class = s.MilestoneOut
    filterset_class = filters.MilestoneFilter
    create_input = s.MilestoneIn

    def visible(self, actor):
        return Milestone.objects.visible_to(actor).select_related("responsible", "owner")

    def create(self, actor, data):
        agreement = permissions.access_agreement(actor, data.pop("agreement"))
        data["responsible"] = permissions.access_organization(actor, data["responsible"])
        return milestones.create_milestone(actor=actor, agreement_id=agreement.pk, **data)


class MilestoneDetail(ChangeableView):
    """Programme managers change anything; the responsible partner only status, actual_quantity, completed_on."""

    serializer_class = s.MilestoneOut
    change_input = s.MilestoneUpdateIn
    partners_change = True

    def fetch(self, actor, pk):
        return permissions.access_milestone(actor, pk)

    def change(self, actor, milestone, expected, changes):
        if "responsible" in changes:
            changes["responsible"] = permissions.access_organization(actor, changes["responsible"])
        progress_only = set(changes) <= PROGRESS_FIELDS
        update = milestones.update_milestone_progress if progress_only else milestones.update_milestone
        update(actor=actor, milestone_id=milestone.pk, expected_updated_at=expected, **changes)

    def remove(self, actor, milestone, expected):
        milestones.delete_milestone(actor=actor, milestone_id=milestone.pk, expected_updated_at=expected)


class StatusReportList(ListView):
    """Programme managers report on any agreement, a partner on agreements it is party to."""

    serializer_class = s.StatusReportOut
    filterset_class = filters.StatusReportFilter
    create_input = s.StatusReportIn
    partners_create = True

    def visible(self, actor):
        return StatusReport.objects.visible_to(actor).select_related("author", "author_organization")

    def create(self, actor, data):
        agreement = permissions.access_agreement(actor, data.pop("agreement"))
        return reports.post_status_report(actor=actor, agreement_id=agreement.pk, **data)


class StatusReportDetail(ObjectView):
    serializer_class = s.StatusReportOut

    def fetch(self, actor, pk):
        return permissions.access_status_report(actor, pk)

    def remove(self, actor, report, expected):
        reports.delete_status_report(actor=actor, report_id=report.pk, expected_updated_at=expected)
