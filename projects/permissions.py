"""Lookups scoped to the actor: "does not exist" and "not yours" are the same 404.

Every object a request touches is fetched through one of these (or a `visible_to` queryset), so
a partner cannot learn that another partner's records exist.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from projects.actors import Actor
from projects.models import (
    Agreement,
    AgreementParty,
    Capability,
    Disbursement,
    FundingCommitment,
    Indicator,
    IndicatorPeriod,
    Milestone,
    Organization,
    StatusReport,
    Tranche,
)
from projects.models.provenance import REPORTERS


def visible_organizations(actor: Actor) -> QuerySet[Organization]:
    """People see every organisation; a partner itself and those it shares an agreement with."""
    if actor.is_internal:
        return Organization.objects.all()
    if actor.organization is None:
        return Organization.objects.none()
    shared = AgreementParty.objects.filter(
        organization=OuterRef("pk"), agreement__in=Agreement.objects.visible_to(actor).values("pk")
    )
    return Organization.objects.filter(Q(pk=actor.organization.pk) | Exists(shared))


def visible_capabilities() -> QuerySet[Capability]:
    """The capability taxonomy is reference data that every caller may read."""
    return Capability.objects.all()


def get_visible(queryset: QuerySet, pk):
    """The row of an actor-scoped queryset, or 404 whether it is missing or hidden."""
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404(f"No {queryset.model._meta.verbose_name} matches the given id.") from None


def access_agreement(actor: Actor, pk) -> Agreement:
    return get_visible(Agreement.objects.visible_to(actor), pk)


def access_party(agreement: Agreement, pk) -> AgreementParty:
    """A party of an agreement the caller has already accessed (through `access_agreement`)."""
    return get_visible(AgreementParty.objects.filter(agreement=agreement), pk)


def access_commitment(actor: Actor, pk) -> FundingCommitment:
    return get_visible(FundingCommitment.objects.visible_to(actor).select_related("funder", *REPORTERS), pk)


def access_disbursement(actor: Actor, pk) -> Disbursement:
    return get_visible(Disbursement.objects.visible_to(actor).select_related("commitment", *REPORTERS), pk)


def access_tranche(actor: Actor, pk) -> Tranche:
    return get_visible(Tranche.objects.visible_to(actor).select_related("commitment", "released_by"), pk)


def access_milestone(actor: Actor, pk) -> Milestone:
    return get_visible(Milestone.objects.visible_to(actor), pk)


def access_indicator(actor: Actor, pk) -> Indicator:
    return get_visible(Indicator.objects.visible_to(actor), pk)


def access_indicator_period(actor: Actor, pk) -> IndicatorPeriod:
    return get_visible(IndicatorPeriod.objects.visible_to(actor).select_related("indicator"), pk)


def access_status_report(actor: Actor, pk) -> StatusReport:
    return get_visible(StatusReport.objects.visible_to(actor), pk)


def access_organization(actor: Actor, pk) -> Organization:
    return get_visible(visible_organizations(actor), pk)


def access_capability(pk) -> Capability:
    return get_visible(visible_capabilities(), pk)
