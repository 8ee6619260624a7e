"""The dashboard's and list's reads of agreements: latest RAG, what is late and due, capability counts, prefetching."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Q
from django.utils import timezone

from projects.selectors import IN_PORTFOLIO, agreement_page_queryset, agreement_rows, late_and_due_milestones
from projects.selectors import rag_distribution as rag_counts
from projects.selectors.agreements import CapabilityCounts, capability_counts
from tests.factories import (
    TODAY,
    AgreementFactory,
    CapabilityFactory,
    CommitmentFactory,
    DisbursementFactory,
    MilestoneFactory,
    OrganizationFactory,
    StatusReportFactory,
)

pytestmark = pytest.mark.django_db

ACTIVE = {"status": "active", "signed_on": TODAY}
TERMINATED = {"status": "terminated", "signed_on": TODAY}


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture
def reported():
    """A: green two days ago, then amber and red yesterday (red entered last). B: amber today. C: no report.
    Z, terminated: green today."""
    a, b, c = (AgreementFactory(reference=reference, **ACTIVE) for reference in "ABC")
    z = AgreementFactory(reference="Z", **TERMINATED)
    StatusReportFactory(agreement=a, rag="green", reported_on=days(-2))
    StatusReportFactory(agreement=a, rag="amber", reported_on=days(-1))
    StatusReportFactory(agreement=a, rag="red", reported_on=days(-1))
    StatusReportFactory(agreement=b, rag="amber", reported_on=TODAY)
    StatusReportFactory(agreement=z, rag="green", reported_on=TODAY)
    return a, b, c


def test_each_agreement_counts_once_at_the_rag_of_its_latest_report(reported):
    def counted(agreements) -> list[tuple[str, str, int]]:
        return [(count.rag, str(count.label), count.count) for count in rag_counts(agreements)]

    assert counted(IN_PORTFOLIO) == [
        ("green", "Green", 0),
        ("amber", "Amber", 1),
        ("red", "Red", 1),
        ("none", "No report", 1),
    ]
    assert counted(None) == [("green", "Green", 1), ("amber", "Amber", 1), ("red", "Red", 1), ("none", "No report", 1)]


def test_the_list_shows_each_agreements_own_latest_rag_overdue_count_and_next_due_day(reported):
    """A: two open milestones overdue, one done overdue, one due in 3 days. C: one done tomorrow, open ones in 3
    and 10 days. B: no milestone."""
    a, b, c = reported
    MilestoneFactory(agreement=a, due_on=days(-5))
    MilestoneFactory(agreement=a, due_on=days(-1), status="in_progress")
    MilestoneFactory(agreement=a, due_on=days(-3), status="done", completed_on=TODAY)
    MilestoneFactory(agreement=a, due_on=days(3))
    MilestoneFactory(agreement=c, due_on=days(1), status="done", completed_on=TODAY)
    MilestoneFactory(agreement=c, due_on=days(10))
    MilestoneFactory(agreement=c, due_on=days(3))

    rows = {row.reference: (row.latest_rag, row.overdue_count, row.next_due) for row in agreement_rows(TODAY)}

    assert rows == {
        "A": ("red", 2, days(-5)),
        "B": ("amber", 0, None),
        "C": ("none", 0, days(3)),
        "Z": ("green", 0, None),
    }


def test_late_and_due_milestones_of_the_portfolio_ten_listed_of_each_with_their_totals():
    """Eleven open milestones overdue by 1 to 11 days and one done late; due today, in 30 and in 31 days, one
    cancelled in 5 days; a terminated agreement's late and due milestones are not the portfolio's."""
    live = AgreementFactory(**ACTIVE)
    late = [MilestoneFactory(agreement=live, due_on=days(-n), title=f"Late {n}") for n in range(1, 12)]
    MilestoneFactory(agreement=live, due_on=days(-3), status="done", completed_on=TODAY)
    today, in_30 = (MilestoneFactory(agreement=live, due_on=days(n)) for n in (0, 30))
    MilestoneFactory(agreement=live, due_on=days(31))
    MilestoneFactory(agreement=live, due_on=days(5), status="cancelled")
    ended = AgreementFactory(**TERMINATED)
    MilestoneFactory(agreement=ended, due_on=days(-1))
    MilestoneFactory(agreement=ended, due_on=days(1))

    listed = late_and_due_milestones(IN_PORTFOLIO, TODAY)

    assert listed == {
        "overdue": late[::-1][:10],  # the most overdue first
        "overdue_total": 11,
        "due_soon": [today, in_30],
        "due_soon_total": 2,
        "due_soon_days": 30,
    }


def test_capability_counts_are_of_the_agreements_asked_for():
    """Asked for: one with two capabilities, one with one, two with none; a terminated one with none is not."""
    drones, shells = CapabilityFactory(), CapabilityFactory()
    AgreementFactory(**ACTIVE).capabilities.set([drones, shells])
    AgreementFactory(**ACTIVE).capabilities.set([drones])
    AgreementFactory(**ACTIVE)
    AgreementFactory(**ACTIVE)
    AgreementFactory(**TERMINATED)

    assert capability_counts(IN_PORTFOLIO) == CapabilityCounts(several=1, none=2)
    assert capability_counts(Q(capabilities=drones)) == CapabilityCounts(several=1, none=0)


def test_an_agreement_page_reads_who_reported_and_verified_each_figure_without_further_queries(
    staff_user, django_assert_num_queries
):
    partner = OrganizationFactory()
    agreement = AgreementFactory()
    checked = {"verified_by": staff_user, "verified_at": timezone.now()}
    by_user = CommitmentFactory(agreement=agreement, reported_by_user=staff_user, **checked)
    CommitmentFactory(agreement=agreement, reported_by_organization=partner)
    DisbursementFactory(commitment=by_user, amount=Decimal("10.00"), reported_by_organization=partner, **checked)

    page = agreement_page_queryset().get(pk=agreement.pk)

    with django_assert_num_queries(0):
        provenance = [
            (figure.reported_by_user, figure.reported_by_organization, figure.verified_by)
            for commitment in page.commitments.all()
            for figure in (commitment, *commitment.disbursements.all())
        ]
    assert provenance == [
        (staff_user, None, staff_user),
        (None, partner, staff_user),
        (None, partner, None),
    ]
