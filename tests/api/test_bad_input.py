"""No input gives a 500, and a bad query parameter is a 400 problem naming it, on every list."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.api.conftest import bearer
from tests.api.test_isolation import database_snapshot
from tests.api.test_lists import LIST_ROUTES

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
    ("cursor", "eyJvIjoiZHVlX29uLGlkIiwiayI6WyJ4IiwxXSwiYiI6ZmFsc2V9"),  # {"o":"due_on,id","k":["x",1],...}
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


@pytest.mark.parametrize("route", WITH_AGREEMENT_FILTER)
@pytest.mark.parametrize("value", ["", "0", "-3", "x"])
def test_an_empty_or_impossible_agreement_filter_is_a_400_naming_it(route, value, alpha, staff_api):
    assert_problem_naming(staff_api.get(reverse(route), {"agreement": value}), "agreement")


def test_a_cursor_of_one_list_is_refused_by_another(alpha, bravo, staff_api):
    milestones_next = staff_api.get(reverse("api-milestones"), {"page_size": 1}).json()["next"]
    cursor = milestones_next.split("cursor=")[1].split("&")[0]
    assert_problem_naming(staff_api.get(reverse("api-agreements"), {"cursor": cursor}), "cursor")
    synced = staff_api.get(reverse("api-milestones"), {"cursor": cursor, "updated_after": "2000-01-01T00:00:00Z"})
    assert_problem_naming(synced, "cursor")


def test_cursor_and_page_together_are_refused(alpha, bravo, staff_api):
    cursor = staff_api.get(reverse("api-milestones"), {"page_size": 1}).json()["next"].split("cursor=")[1]
    assert_problem_naming(staff_api.get(reverse("api-milestones"), {"cursor": cursor, "page": 1}), "cursor")


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
