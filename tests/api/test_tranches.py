"""Tranches through the API: each partner reads its own commitments' tranches, programme managers release them."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.models import Tranche
from tests.api.conftest import bearer
from tests.factories import TODAY, MilestoneFactory, TrancheFactory


@pytest.fixture
def planned(alpha, bravo):
    """Alpha's commitment in three tranches (the second waits on a milestone); one tranche of Bravo's."""
    waits_on = MilestoneFactory(agreement=alpha.agreement, responsible=alpha.organization, status="in_progress")
    first = TrancheFactory(commitment=alpha.commitment, amount="1000.00", planned_on=TODAY)
    second = TrancheFactory(
        commitment=alpha.commitment, amount="2000.00", planned_on=TODAY + timedelta(days=30), milestone=waits_on
    )
    third = TrancheFactory(commitment=alpha.commitment, amount="500.00", planned_on=TODAY + timedelta(days=60))
    other = TrancheFactory(commitment=bravo.commitment, amount="700.00")
    return first, second, third, other


def test_a_partner_reads_the_tranches_of_its_own_commitments_only(alpha, planned, token_for):
    first, second, third, other = planned
    partner = bearer(token_for(organization=alpha.organization))

    rows = partner.get(reverse("api-tranches")).json()["results"]

    assert [row["id"] for row in rows] == [first.pk, second.pk, third.pk]
    assert rows[1] | {"created_at": None, "updated_at": None} == {
        "id": second.pk,
        "agreement": alpha.agreement.pk,
        "commitment": alpha.commitment.pk,
        "amount": "2000.00",
        "currency": alpha.commitment.currency,
        "planned_on": (TODAY + timedelta(days=30)).isoformat(),
        "milestone": second.milestone_id,
        "released_at": None,
        "released_by": None,
        "created_at": None,
        "updated_at": None,
    }
    assert partner.get(reverse("api-tranche", args=[other.pk])).status_code == 404
    assert partner.post(reverse("api-tranche-release", args=[other.pk])).status_code == 404
    assert Tranche.objects.get(pk=other.pk).released_at is None
    # Tranches are planned in the administration: the API neither adds nor deletes them.
    assert partner.post(reverse("api-tranches"), {}, format="json").status_code == 405
    assert partner.delete(reverse("api-tranche", args=[first.pk])).status_code == 405


def test_list_rows_are_what_the_object_endpoint_sends_and_cost_the_same_at_any_size(
    alpha, planned, staff_api, staff_user
):
    Tranche.objects.filter(pk=planned[0].pk).update(released_at=planned[0].created_at, released_by=staff_user)
    rows = staff_api.get(reverse("api-tranches")).json()["results"]
    assert len(rows) == 4
    for row in rows:
        assert row == staff_api.get(reverse("api-tranche", args=[row["id"]])).json()

    counts = []
    for size in (1, 4):
        with CaptureQueriesContext(connection) as queries:
            staff_api.get(reverse("api-tranches"), {"page_size": size})
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_filters_by_commitment_and_by_release(alpha, planned, staff_api, staff_user):
    Tranche.objects.filter(pk=planned[0].pk).update(released_at=planned[0].created_at, released_by=staff_user)
    ids = lambda query: [row["id"] for row in staff_api.get(reverse("api-tranches"), query).json()["results"]]  # noqa: E731

    assert ids({"commitment": alpha.commitment.pk}) == [t.pk for t in planned[:3]]
    assert ids({"released": "true"}) == [planned[0].pk]
    assert planned[0].pk not in ids({"released": "false"})


def test_a_programme_manager_releases_a_tranche_once_and_one_on_a_milestone_only_when_it_is_done(
    alpha, planned, staff_api, staff_user, token_for
):
    first, second, _third, _other = planned
    partner = bearer(token_for(organization=alpha.organization))
    assert partner.post(reverse("api-tranche-release", args=[first.pk])).status_code == 403

    released = staff_api.post(reverse("api-tranche-release", args=[first.pk]))
    assert released.status_code == 200
    assert released.json()["released_by"] == staff_user.username and released.json()["released_at"]
    again = staff_api.post(reverse("api-tranche-release", args=[first.pk]))
    assert again.status_code == 409

    waiting = staff_api.post(reverse("api-tranche-release", args=[second.pk]))
    assert waiting.status_code == 400 and "milestone" in waiting.json()["errors"]
    assert Tranche.objects.get(pk=second.pk).released_at is None
