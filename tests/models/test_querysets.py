"""What each actor can see: partners only what hangs off their agreements."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from rest_framework.request import Request

from projects.actors import Actor, actor_of
from projects.models import Agreement, Disbursement, FundingCommitment, Milestone, StatusReport
from projects.permissions import visible_organizations
from tests.factories import (
    AgreementFactory,
    DisbursementFactory,
    MilestoneFactory,
    PartyFactory,
    StatusReportFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_partner_sees_only_what_hangs_off_agreements_it_is_party_to(partner, partner_org):
    own = PartyFactory(organization=partner_org, role="observer").agreement
    other = AgreementFactory()
    for agreement in (own, other):
        DisbursementFactory(commitment__agreement=agreement)
        MilestoneFactory(agreement=agreement)
        StatusReportFactory(agreement=agreement)

    assert list(Agreement.objects.visible_to(partner)) == [own]
    for model, lookup in (
        (FundingCommitment, "agreement"),
        (Disbursement, "commitment__agreement"),
        (Milestone, "agreement"),
        (StatusReport, "agreement"),
    ):
        assert set(model.objects.visible_to(partner).values_list(lookup, flat=True)) == {own.pk}
        assert model.objects.count() == 2


def test_people_with_an_account_see_everything_and_nobody_else_anything():
    AgreementFactory.create_batch(2)
    colleague = Actor(user=UserFactory(is_staff=False))

    assert Agreement.objects.visible_to(colleague).count() == 2
    assert Agreement.objects.visible_to(Actor(organization=None)).count() == 0


def test_an_anonymous_visitor_is_never_internal_however_its_actor_is_built():
    AgreementFactory.create_batch(2)
    actors = [Actor(user=AnonymousUser()), actor_of(Request(RequestFactory().get("/")))]

    for actor in actors:
        assert not actor.is_internal and not actor.is_staff and not actor.is_partner
        assert Agreement.objects.visible_to(actor).count() == 0
        assert visible_organizations(actor).count() == 0
