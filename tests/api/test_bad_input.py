"""No input gives a 500, and a bad query parameter is a 400 problem naming it, on every list."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from projects.models import Milestone
from tests.api.conftest import bearer
from tests.api.test_isolation import database_snapshot
from tests.api.test_lists import LIST_ROUTES
from tests.factories import TODAY

BAD_ON_EVERY_LIST = [
    ("updated_after", ""),
    ("page", "0"),
    ("page", ""),
    ("page", "-1"),
    ("page", "2.5"),
    ("page_size", "0"),
    ("page_size", ""),
    ("page_size", "ten"),
    ("cursor", ""),
    ("cursor", "not-a-cursor"),
    ("cursor", "eyJvIjoiZHVlX29uLGlkIiwiayI6WyJ4IiwxXSwiYiI6ZmFsc2V9"),
    ("cursor", "no.1.2.3.4.5.6"),
]
WITH_AGREEMENT_FILTER = ["api-milestones", "api-commitments", "api-disbursements", "api-status-reports"]


def assert_problem_naming(response, parameter: str) -> None:
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert parameter in response.json()["errors"], response.json()


@pytest.mark.parametrize("route", LIST_ROUTES)
@pytest.mark.parametrize(("parameter", "value"), BAD_ON_EVERY_LIST)
def test_an_empty_or_malformed_list_parameter_is_a_400_naming_it(route, parameter, value, alpha, staff_api):
    assert_problem_naming(staff_api.get(reverse(route), {parameter: value}), parameter)


@pytest.mark.parametrize("value", ["", "null", "yes", "1"])
def test_overdue_takes_only_true_or_false(value, alpha, staff_api):
    assert_problem_naming(staff_api.get(reverse("api-milestones"), {"overdue": value}), "overdue")


@pytest.mark.parametrize("route", WITH_AGREEMENT_FILTER)
@pytest.mark.parametrize("value", ["", "0", "-3", "x"])
def test_an_empty_or_impossible_agreement_filter_is_a_400_naming_it(route, value, alpha, staff_api):
    assert_problem_naming(staff_api.get(reverse(route), {"agreement": value}), "agreement")


def test_a_cursor_in_the_documented_form_names_a_position_even_one_no_row_has(alpha, bravo, staff_api):
    """The schema's pattern says which cursors the server reads: any of them is a place in the list."""
    early, late = alpha.milestone, bravo.milestone
    Milestone.objects.filter(pk=early.pk).update(due_on=TODAY - timedelta(days=10))
    Milestone.objects.filter(pk=late.pk).update(due_on=TODAY + timedelta(days=10))
    made_up = f"no.{TODAY.toordinal()}.0"  # after (today, id 0): from today on, in the list's order
    assert re.fullmatch(schema_pattern(staff_api, "/api/v1/milestones/"), made_up)
    page = staff_api.get(reverse("api-milestones"), {"cursor": made_up})
    assert page.status_code == 200, page.content
    assert [row["id"] for row in page.json()["results"]] == [late.pk]
    backwards = staff_api.get(reverse("api-milestones"), {"cursor": f"po.{TODAY.toordinal()}.0"}).json()
    assert [row["id"] for row in backwards["results"]] == [early.pk]


def schema_pattern(client, path: str) -> str:
    document = client.get(reverse("api-schema"), {"format": "json"}).json()
    parameters = document["paths"][path]["get"]["parameters"]
    return next(p["schema"]["pattern"] for p in parameters if p["name"] == "cursor")


def test_a_cursor_says_where_a_page_starts_even_beside_a_page_number(alpha, bravo, staff_api):
    first = staff_api.get(reverse("api-milestones"), {"page_size": 1}).json()
    cursor = first["next"].split("cursor=")[1].split("&")[0]
    both = staff_api.get(reverse("api-milestones"), {"cursor": cursor, "page": 1, "page_size": 1}).json()
    assert both["results"] == staff_api.get(first["next"]).json()["results"] != first["results"]


@pytest.mark.parametrize("body", ["[" * 100_000, "{" * 100_000, '{"a":' * 50 + "1" + "}" * 50])
def test_a_deeply_nested_body_is_a_400_problem_and_changes_nothing(body, alpha, staff_api):
    before = database_snapshot()
    response = staff_api.generic("POST", reverse("api-status-reports"), body, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "nests" in response.json()["detail"] or "parse" in response.json()["detail"].lower()
    assert database_snapshot() == before


def test_a_partner_naming_a_field_it_may_not_change_gets_403_before_any_validation(alpha, staff_user, token_for):
    """Whether the owner exists or not, the answer is the same 403: nothing to learn about staff accounts."""
    client = bearer(token_for(organization=alpha.organization))
    url = reverse("api-milestone", args=[alpha.milestone.pk])
    before = database_snapshot()
    answers = [
        client.patch(url, {"owner": username, "status": "in_progress"}, format="json")
        for username in (staff_user.username, "nobody-by-this-name")
    ]
    assert [answer.status_code for answer in answers] == [403, 403]
    assert answers[0].json() == answers[1].json()
    assert "owner" in answers[0].json()["detail"]
    assert database_snapshot() == before
    progress = client.patch(url, {"status": "in_progress"}, format="json")
    assert progress.status_code == 200 and progress.json()["status"] == "in_progress"
