"""API views: reads over the actor's scoped querysets, one service call per write.

Every object is looked up through `projects.permissions` first (404 when it is not the caller's
to see), then the token's scope is checked (403 for read tokens), then the service decides.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from projects import filters, permissions
from projects.api import serializers as s
from projects.api.authentication import actor_of, may_write
from projects.api.idempotency import idempotent
from projects.api.pagination import Pages
from projects.api.preconditions import precondition, with_etag
from projects.api.problems import PROBLEM_CONTENT_TYPE
from projects.api.schema import ProblemOut
from projects.changelog import agreement_history
from projects.models import (
    Agreement,
    AgreementParty,
    Disbursement,
    FundingCommitment,
    Milestone,
    StatusReport,
)
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


class ListView(generics.ListAPIView):
    """A paginated, filtered list of what the actor may see, in a stable order."""

    pagination_class = Pages

    def visible(self, actor):
        raise NotImplementedError

    def get_queryset(self):
        queryset = self.visible(actor_of(self.request))
        return queryset.order_by(*queryset.model._meta.ordering, "pk")


def sent(serializer_class, instance, status_code=status.HTTP_200_OK) -> Response:
    """An object response, with the ETag a client sends back in If-Match."""
    return with_etag(Response(serializer_class(instance).data, status=status_code), instance)


class ObjectView(generics.GenericAPIView):
    """One record, sent with its ETag."""

    sends_etag = True

    def fetch(self, actor, pk):
        raise NotImplementedError

    def out(self, instance):
        return sent(self.serializer_class, instance)

    def get(self, request, pk):
        return self.out(self.fetch(actor_of(request), pk))


# Organisations and capabilities ------------------------------------------------------------


class OrganizationList(ListView):
    serializer_class = s.OrganizationOut
    filterset_class = filters.OrganizationFilter

    def visible(self, actor):
        return permissions.visible_organizations(actor)

    @extend_schema(request=s.OrganizationIn, responses={201: s.OrganizationOut})
    @idempotent
    def post(self, request):
        require_staff(request)
        organization = organizations.create_organization(actor=actor_of(request), **valid(s.OrganizationIn, request))
        return sent(s.OrganizationOut, organization, status.HTTP_201_CREATED)


class OrganizationDetail(ObjectView):
    serializer_class = s.OrganizationOut

    def fetch(self, actor, pk):
        return permissions.access_organization(actor, pk)

    @extend_schema(request=s.OrganizationIn(partial=True), responses={200: s.OrganizationOut})
    def patch(self, request, pk):
        actor = actor_of(request)
        organization = self.fetch(actor, pk)
        require_staff(request)
        changes = valid(s.OrganizationIn, request, partial=True)
        with precondition(request, organization) as expected:
            organization = organizations.update_organization(
                actor=actor, organization_id=organization.pk, expected_updated_at=expected, **changes
            )
        return self.out(organization)

    @extend_schema(responses={204: None})
    def delete(self, request, pk):
        actor = actor_of(request)
        organization = self.fetch(actor, pk)
        require_staff(request)
        with precondition(request, organization) as expected:
            organizations.delete_organization(
                actor=actor, organization_id=organization.pk, expected_updated_at=expected
            )
        return Response(status=204)


class CapabilityList(ListView):
    serializer_class = s.CapabilityOut
    filterset_class = filters.CapabilityFilter

    def visible(self, actor):
        return permissions.visible_capabilities(actor)

    @extend_schema(request=s.CapabilityIn, responses={201: s.CapabilityOut})
    @idempotent
    def post(self, request):
        require_staff(request)
        capability = organizations.create_capability(actor=actor_of(request), **valid(s.CapabilityIn, request))
        return sent(s.CapabilityOut, capability, status.HTTP_201_CREATED)


class CapabilityDetail(ObjectView):
    serializer_class = s.CapabilityOut

    def fetch(self, actor, pk):
        return permissions.access_capability(actor, pk)

    @extend_schema(request=s.CapabilityIn(partial=True), responses={200: s.CapabilityOut})
    def patch(self, request, pk):
        actor = actor_of(request)
        capability = self.fetch(actor, pk)
        require_staff(request)
        changes = valid(s.CapabilityIn, request, partial=True)
        with precondition(request, capability) as expected:
            capability = organizations.update_capability(
                actor=actor, capability_id=capability.pk, expected_updated_at=expected, **changes
            )
        return self.out(capability)

    @extend_schema(responses={204: None})
    def delete(self, request, pk):
        actor = actor_of(request)
        capability = self.fetch(actor, pk)
        require_staff(request)
        with precondition(request, capability) as expected:
            organizations.delete_capability(actor=actor, capability_id=capability.pk, expected_updated_at=expected)
        return Response(status=204)


# Agreements ------------------------------------------------------------------------------


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


class AgreementList(ListView):
    serializer_class = s.AgreementOut
    filterset_class = filters.AgreementFilter

    def visible(self, actor):
        return agreements_of(actor)

    @extend_schema(request=s.AgreementIn, responses={201: s.AgreementOut})
    @idempotent
    def post(self, request):
        require_staff(request)
        actor = actor_of(request)
        agreement = agreements.create_agreement(actor=actor, **valid(s.AgreementIn, request))
        agreement = permissions.get_visible(agreements_of(actor), agreement.pk)
        return sent(s.AgreementOut, agreement, status.HTTP_201_CREATED)


class AgreementDetail(ObjectView):
    serializer_class = s.AgreementOut

    def fetch(self, actor, pk):
        return permissions.get_visible(agreements_of(actor), pk)

    @extend_schema(request=s.AgreementIn(partial=True), responses={200: s.AgreementOut})
    def patch(self, request, pk):
        actor = actor_of(request)
        agreement = permissions.access_agreement(actor, pk)
        require_staff(request)
        changes = valid(s.AgreementIn, request, partial=True)
        with precondition(request, agreement) as expected:
            agreements.update_agreement(actor=actor, agreement_id=agreement.pk, expected_updated_at=expected, **changes)
        return self.out(self.fetch(actor, pk))

    @extend_schema(responses={204: None})
    def delete(self, request, pk):
        actor = actor_of(request)
        agreement = permissions.access_agreement(actor, pk)
        require_staff(request)
        with precondition(request, agreement) as expected:
            agreements.delete_agreement(actor=actor, agreement_id=agreement.pk, expected_updated_at=expected)
        return Response(status=204)


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
        return Response(s.PartyOut(party).data, status=201)


class AgreementPartyDetail(generics.GenericAPIView):
    serializer_class = s.PartyOut

    @extend_schema(responses={204: None})
    def delete(self, request, pk, party_pk):
        actor = actor_of(request)
        party = permissions.access_party(actor, permissions.access_agreement(actor, pk), party_pk)
        require_staff(request)
        agreements.remove_party(actor=actor, party_id=party.pk)
        return Response(status=204)


class AgreementFundingSummary(generics.GenericAPIView):
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
        as_of = query.validated_data.get("as_of")
        data = {
            "currency": summary.currency,
            "as_of": as_of or timezone.localdate(),
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
        return agreement_history(permissions.access_agreement(actor_of(self.request), self.kwargs["pk"]))


# Funding ---------------------------------------------------------------------------------


class CommitmentList(ListView):
    serializer_class = s.CommitmentOut
    filterset_class = filters.CommitmentFilter

    def visible(self, actor):
        return FundingCommitment.objects.visible_to(actor).select_related("funder")

    @extend_schema(request=s.CommitmentIn, responses={201: s.CommitmentOut})
    @idempotent
    def post(self, request):
        require_staff(request)
        actor = actor_of(request)
        data = valid(s.CommitmentIn, request)
        agreement = permissions.access_agreement(actor, data.pop("agreement"))
        funder = permissions.access_organization(actor, data.pop("funder"))
        commitment = funding.record_commitment(actor=actor, agreement_id=agreement.pk, funder_id=funder.pk, **data)
        return sent(s.CommitmentOut, commitment, status.HTTP_201_CREATED)


class CommitmentDetail(ObjectView):
    serializer_class = s.CommitmentOut

    def fetch(self, actor, pk):
        return permissions.access_commitment(actor, pk)

    @extend_schema(request=s.CommitmentUpdateIn, responses={200: s.CommitmentOut})
    def patch(self, request, pk):
        actor = actor_of(request)
        commitment = self.fetch(actor, pk)
        require_staff(request)
        changes = valid(s.CommitmentUpdateIn, request, partial=True)
        with precondition(request, commitment) as expected:
            commitment = funding.update_commitment(
                actor=actor, commitment_id=commitment.pk, expected_updated_at=expected, **changes
            )
        return self.out(commitment)

    @extend_schema(responses={204: None})
    def delete(self, request, pk):
        actor = actor_of(request)
        commitment = self.fetch(actor, pk)
        require_staff(request)
        with precondition(request, commitment) as expected:
            funding.delete_commitment(actor=actor, commitment_id=commitment.pk, expected_updated_at=expected)
        return Response(status=204)


class DisbursementList(ListView):
    serializer_class = s.DisbursementOut
    filterset_class = filters.DisbursementFilter

    def visible(self, actor):
        return Disbursement.objects.visible_to(actor).select_related("commitment")

    @extend_schema(request=s.DisbursementIn, responses={201: s.DisbursementOut})
    @idempotent
    def post(self, request):
        """Staff, or a partner against its own commitments (as their funder)."""
        require_write(request)
        actor = actor_of(request)
        data = valid(s.DisbursementIn, request)
        commitment = permissions.access_commitment(actor, data.pop("commitment"))
        disbursement = funding.record_disbursement(actor=actor, commitment_id=commitment.pk, **data)
        return sent(s.DisbursementOut, disbursement, status.HTTP_201_CREATED)


class DisbursementDetail(ObjectView):
    serializer_class = s.DisbursementOut

    def fetch(self, actor, pk):
        return permissions.access_disbursement(actor, pk)

    @extend_schema(responses={204: None})
    def delete(self, request, pk):
        actor = actor_of(request)
        disbursement = self.fetch(actor, pk)
        require_staff(request)
        with precondition(request, disbursement) as expected:
            funding.delete_disbursement(actor=actor, disbursement_id=disbursement.pk, expected_updated_at=expected)
        return Response(status=204)


# Milestones and status reports -----------------------------------------------------------


class MilestoneList(ListView):
    serializer_class = s.MilestoneOut
    filterset_class = filters.MilestoneFilter

    def visible(self, actor):
        return Milestone.objects.visible_to(actor).select_related("responsible", "owner")

    @extend_schema(request=s.MilestoneIn, responses={201: s.MilestoneOut})
    @idempotent
    def post(self, request):
        require_staff(request)
        actor = actor_of(request)
        data = valid(s.MilestoneIn, request)
        agreement = permissions.access_agreement(actor, data.pop("agreement"))
        data["responsible"] = permissions.access_organization(actor, data["responsible"])
        milestone = milestones.create_milestone(actor=actor, agreement_id=agreement.pk, **data)
        return sent(s.MilestoneOut, milestone, status.HTTP_201_CREATED)


class MilestoneDetail(ObjectView):
    serializer_class = s.MilestoneOut

    def fetch(self, actor, pk):
        return permissions.access_milestone(actor, pk)

    @extend_schema(request=s.MilestoneUpdateIn, responses={200: s.MilestoneOut})
    def patch(self, request, pk):
        """Programme managers change anything; the responsible partner only status, actual_quantity, completed_on."""
        actor = actor_of(request)
        milestone = self.fetch(actor, pk)
        require_write(request)
        changes = valid(s.MilestoneUpdateIn, request, partial=True)
        if "responsible" in changes:
            changes["responsible"] = permissions.access_organization(actor, changes["responsible"])
        progress_only = set(changes) <= PROGRESS_FIELDS
        update = milestones.update_milestone_progress if progress_only else milestones.update_milestone
        with precondition(request, milestone) as expected:
            milestone = update(actor=actor, milestone_id=milestone.pk, expected_updated_at=expected, **changes)
        return self.out(milestone)

    @extend_schema(responses={204: None})
    def delete(self, request, pk):
        actor = actor_of(request)
        milestone = self.fetch(actor, pk)
        require_staff(request)
        with precondition(request, milestone) as expected:
            milestones.delete_milestone(actor=actor, milestone_id=milestone.pk, expected_updated_at=expected)
        return Response(status=204)


class StatusReportList(ListView):
    serializer_class = s.StatusReportOut
    filterset_class = filters.StatusReportFilter

    def visible(self, actor):
        return StatusReport.objects.visible_to(actor).select_related("author", "author_organization")

    @extend_schema(request=s.StatusReportIn, responses={201: s.StatusReportOut})
    @idempotent
    def post(self, request):
        """Staff on any agreement, a partner on agreements it is party to."""
        require_write(request)
        actor = actor_of(request)
        data = valid(s.StatusReportIn, request)
        agreement = permissions.access_agreement(actor, data.pop("agreement"))
        report = reports.post_status_report(actor=actor, agreement_id=agreement.pk, **data)
        return sent(s.StatusReportOut, report, status.HTTP_201_CREATED)


class StatusReportDetail(ObjectView):
    serializer_class = s.StatusReportOut

    def fetch(self, actor, pk):
        return permissions.access_status_report(actor, pk)

    @extend_schema(responses={204: None})
    def delete(self, request, pk):
        actor = actor_of(request)
        report = self.fetch(actor, pk)
        require_staff(request)
        with precondition(request, report) as expected:
            reports.delete_status_report(actor=actor, report_id=report.pk, expected_updated_at=expected)
        return Response(status=204)
