"""Keyset pages: rows read column by column render as the objects do, deep pages cost what the first
does, no page counts the list, and a sync by `updated_after` misses and repeats nothing while rows change."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from projects.choices import PartyRole
from projects.models import Milestone
from tests.api.conftest import bearer, partner_world
from tests.api.test_lists import LIST_ROUTES
from tests.factories import (
    TODAY,
    CapabilityFactory,
    MilestoneFactory,
    OrganizationFactory,
    PartyFactory,
    StaffUserFactory,
    StatusReportFactory,
)

DETAIL_ROUTES = {
    "api-agreements": "api-agreement",
    "api-commitments": "api-commitment",
    "api-disbursements": "api-disbursement",
    "api-milestones": "api-milestone",
    "api-status-reports": "api-status-report",
    "api-organizations": "api-organization",
    "api-capabilities": "api-capability",
}


@pytest.fixture
def varied(db):
    """Records with every optional field both set and empty, several parties and capabilities."""
    worlds = [partner_world(f"Varied {n}") for n in range(3)]
    first = worlds[0]
    first.agreement.capabilities.add(CapabilityFactory(name="Air defence"), CapabilityFactory(name="Zeta systems"))
    PartyFactory(agreement=first.agreement, organization=OrganizationFactory(name="Aardvark Ltd"), role="funder")
    PartyFactory(agreement=first.agreement, organization=worlds[1].organization, role=PartyRole.OBSERVER)
    first.agreement.programme_manager = StaffUserFactory(username="olena")
    first.agreement.signed_on = TODAY
    first.agreement.status = "signed"
    first.agreement.save()
    MilestoneFactory(
        agreement=first.agreement,
        responsible=first.organization,
        owner=first.agreement.programme_manager,
        due_on=TODAY - timedelta(days=400),
        unit="crews",
        target_quantity=3,
        actual_quantity=1,
    )
    StatusReportFactory(agreement=first.agreement, author_organization=first.organization)
    return worlds


@pytest.mark.parametrize("route", LIST_ROUTES)
def test_list_rows_are_exactly_what_the_object_endpoint_sends(route, varied, staff_api):
    rows = staff_api.get(reverse(route), {"page_size": 100}).json()["results"]
    assert len(rows) >= 3
    for row in rows:
        assert row == staff_api.get(reverse(DETAIL_ROUTES[route], args=[row["id"]])).json()


def test_no_list_counts_its_rows(varied, staff_api):
    for route in LIST_ROUTES:
        with CaptureQueriesContext(connection) as captured:
            assert staff_api.get(reverse(route), {"page_size": 1}).status_code == 200
        counting = [query["sql"] for query in captured if "COUNT(" in query["sql"].upper()]
        assert counting == [], route


def walk(client, url, params, link="next") -> list[dict]:
    pages, rows = 0, []
    while url:
        page = client.get(url, params).json()
        rows += page["results"]
        url, params, pages = page[link], None, pages + 1
        assert pages < 100
    return rows


def pages_of(client, url, params, link="next") -> list[list[int]]:
    pages = []
    while url and len(pages) < 100:
        page = client.get(url, params).json()
        pages.append([row["id"] for row in page["results"]])
        url, params = page[link], None
    return pages


@pytest.mark.parametrize("route", LIST_ROUTES)
def test_walking_pages_forwards_and_back_gives_every_row_once_in_the_list_order(route, varied, staff_api):
    everything = [row["id"] for row in staff_api.get(reverse(route), {"page_size": 100}).json()["results"]]
    forwards = pages_of(staff_api, reverse(route), {"page_size": 2})
    assert sum(forwards, []) == everything and len(forwards) >= 2
    last = staff_api.get(reverse(route), {"page_size": 2}).json()
    for _ in range(len(forwards) - 1):
        last = staff_api.get(last["next"]).json()
    assert last["next"] is None
    backwards = pages_of(staff_api, last["previous"], None, link="previous")
    assert backwards == forwards[-2::-1]


def test_page_numbers_still_work_without_counting(varied, staff_api):
    url = reverse("api-milestones")
    second = staff_api.get(url, {"page": 2, "page_size": 1}).json()
    assert set(second) == {"next", "previous", "results"}
    assert "page=1" in second["previous"] and "page=3" in second["next"]
    assert [row["id"] for row in second["results"]] == [staff_api.get(url).json()["results"][1]["id"]]
    assert staff_api.get(url, {"page": 999, "page_size": 2}).status_code == 404


def test_a_deep_page_runs_the_same_queries_as_the_first(staff_api):
    for n in range(30):
        partner_world(f"Deep {n}")
    url = reverse("api-agreements")
    staff_api.get(url)
    first_queries = CaptureQueriesContext(connection)
    with first_queries:
        page = staff_api.get(url, {"page_size": 2}).json()
    deep = walk_to(staff_api, page["next"], 12)
    with CaptureQueriesContext(connection) as deep_queries:
        assert staff_api.get(deep).status_code == 200
    assert len(deep_queries) == len(first_queries) == 4
    assert not any("OFFSET" in query["sql"].upper() for query in deep_queries)


def walk_to(client, url, pages: int) -> str:
    for _ in range(pages):
        url = client.get(url).json()["next"]
    return url


def test_a_sync_by_updated_after_misses_and_repeats_nothing_while_rows_are_written(staff_api):
    """Rows change between page fetches: one already sent, one not yet sent, and a new one that sorts
    first by due date. Every change reaches the client once, and each version is sent only once."""
    worlds = [partner_world(f"Sync {n}") for n in range(6)]
    since = timezone.now() - timedelta(minutes=1)
    params = {"updated_after": since.isoformat(), "page_size": 2}
    url = reverse("api-milestones")
    first = staff_api.get(url, params).json()
    sent = [(row["id"], row["updated_at"]) for row in first["results"]]
    already_sent = Milestone.objects.get(pk=first["results"][0]["id"])
    not_yet_sent = Milestone.objects.exclude(pk__in=[pk for pk, _ in sent]).order_by("-pk").first()
    for milestone, title in ((already_sent, "Changed after it was sent"), (not_yet_sent, "Changed before it was sent")):
        response = staff_api.patch(reverse("api-milestone", args=[milestone.pk]), {"title": title}, format="json")
        assert response.status_code == 200, response.content
    new = MilestoneFactory(
        agreement=worlds[0].agreement, responsible=worlds[0].organization, due_on=TODAY - timedelta(days=900)
    )

    rest = walk(staff_api, first["next"], None)
    sent += [(row["id"], row["updated_at"]) for row in rest]

    assert len(sent) == len(set(sent)), "a version was sent twice"
    current = {row["id"]: row["updated_at"] for row in walk(staff_api, url, {"updated_after": since.isoformat()})}
    assert set(current) == set(Milestone.objects.values_list("pk", flat=True))
    assert set(current.items()) <= set(sent), "a change never reached the client"
    titles = {row["id"]: row["title"] for row in rest}
    assert titles[not_yet_sent.pk] == "Changed before it was sent"
    assert titles[already_sent.pk] == "Changed after it was sent" and new.pk in titles


def test_a_sync_is_ordered_by_update_time_then_id(varied, staff_api):
    rows = staff_api.get(reverse("api-commitments"), {"updated_after": "2000-01-01T00:00:00Z"}).json()["results"]
    keys = [(row["updated_at"], row["id"]) for row in rows]
    assert keys == sorted(keys) and len(keys) >= 3


@pytest.mark.postgres
def test_a_sync_resumed_from_the_last_update_it_saw_gets_a_change_committed_late(transactional_db, token_for):
    """A slow transaction changes a milestone before a quick one changes another and commits first. A
    client that syncs in between and resumes from the last `updated_at` it received still gets both."""
    world = partner_world("Late commit")
    slow, quick = world.milestone, MilestoneFactory(agreement=world.agreement, responsible=world.organization)
    client = bearer(token_for(user=StaffUserFactory()))
    url = reverse("api-milestones")
    since = timezone.now().isoformat()
    changed, release = threading.Event(), threading.Event()

    def slow_writer():
        try:
            with transaction.atomic():
                Milestone.objects.filter(pk=slow.pk).update(title="Changed slowly", updated_at=timezone.now())
                changed.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    writer = threading.Thread(target=slow_writer)
    writer.start()
    try:
        changed.wait(timeout=30)
        patched = client.patch(reverse("api-milestone", args=[quick.pk]), {"title": "Changed quickly"}, format="json")
        received = client.get(url, {"updated_after": since}).json()["results"]
    finally:
        release.set()
        writer.join()
    assert patched.status_code == 200
    resume_from = max((row["updated_at"] for row in received), default=since)
    received += client.get(url, {"updated_after": resume_from}).json()["results"]

    titles = {row["id"]: row["title"] for row in received}
    assert titles == {slow.pk: "Changed slowly", quick.pk: "Changed quickly"}
