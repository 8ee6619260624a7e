"""Every face (admin, API, pages) takes the actor of a request the same way."""

from django.test import RequestFactory
from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request

from projects.actors import Actor, actor_of
from projects.api.authentication import BearerTokenAuthentication


def api_request(*, raw_token: str | None = None, user=None) -> Request:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw_token}"} if raw_token else {}
    request = RequestFactory().get("/api/v1/agreements/", **headers)
    request.user = user
    request._dont_enforce_csrf_checks = True
    return Request(request, authenticators=[BearerTokenAuthentication(), SessionAuthentication()])


def test_a_request_acts_as_its_tokens_organisation_or_user_or_else_as_the_signed_in_user(
    partner_org, staff_user, token_for
):
    page = RequestFactory().get("/")
    page.user = staff_user

    assert actor_of(api_request(raw_token=token_for(organization=partner_org))) == Actor(organization=partner_org)
    assert actor_of(api_request(raw_token=token_for(user=staff_user))) == Actor(user=staff_user)
    assert actor_of(api_request(user=staff_user)) == Actor(user=staff_user)
    assert actor_of(page) == Actor(user=staff_user)
