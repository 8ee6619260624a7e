"""Status reports: programme managers report on any agreement, partners only on their own."""

import datetime

import pytest
from django.utils import timezone

from projects.actors import Actor
from projects.errors import DomainError, ErrorCode
from projects.models import StatusReport
from projects.services.reports import post_status_report
from tests.factories import TODAY, AgreementFactory, PartyFactory, UserFactory

pytestmark = pytest.mark.django_db


def report(actor, agreement, **fields):
    values = {"reported_on": TODAY, "rag": "amber", "summary": "Second line delayed by a supplier.", **fields}
    return post_status_report(actor=actor, agreement_id=agreement.pk, **values)


def test_partner_reports_on_its_agreements_as_its_organisation(partner, partner_org):
    own = PartyFactory(organization=partner_org).agreement

    posted = report(partner, own)

    assert (posted.author, posted.author_organization, posted.rag) == (None, partner_org, "amber")


def test_partner_or_colleague_cannot_report_on_other_agreements(partner, staff, staff_user):
    other = AgreementFactory()

    for outsider in (partner, Actor(user=UserFactory(is_staff=False))):
        with pytest.raises(DomainError) as refused:
            report(outsider, other)
        assert refused.value.code == ErrorCode.PERMISSION_DENIED
    assert not StatusReport.objects.exists()

    assert report(staff, other).author == staff_user


@pytest.mark.parametrize(("field", "value"), [("rag", "purple"), ("summary", "")])
def test_invalid_report_is_refused_and_nothing_saved(staff, field, value):
    agreement = AgreementFactory()

    with pytest.raises(DomainError) as refused:
        report(staff, agreement, **{field: value})

    assert (refused.value.code, refused.value.field) == (ErrorCode.INVALID, field)
    assert not StatusReport.objects.exists()


@pytest.mark.parametrize(
    "reported_on", [timezone.localdate() + datetime.timedelta(days=1), datetime.date(9999, 12, 31)]
)
def test_a_report_cannot_be_dated_in_the_future(staff, partner, partner_org, reported_on):
    agreement = PartyFactory(organization=partner_org).agreement

    for reporter in (staff, partner):
        with pytest.raises(DomainError) as refused:
            report(reporter, agreement, reported_on=reported_on)
        assert (refused.value.code, refused.value.field) == (ErrorCode.INVALID, "reported_on")
    assert not StatusReport.objects.exists()

    assert report(partner, agreement, reported_on=timezone.localdate()).reported_on == timezone.localdate()
