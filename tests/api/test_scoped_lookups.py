"""Lookups scoped to the actor: whatever the id, a record that is missing or not the caller's is a 404."""

import pytest
from django.http import Http404
from django.urls import reverse

from projects import permissions
from projects.actors import Actor
from tests.factories import AgreementFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("pk", [999_999_999, 2**70, float("inf"), "abc", [1], None])
def test_an_id_that_names_no_record_is_a_404_never_an_error(staff_user, pk):
    AgreementFactory()

    with pytest.raises(Http404) as missing:
        permissions.access_agreement(Actor(user=staff_user), pk)

    assert str(missing.value) == "No agreement matches the given id."


def test_the_api_says_which_kind_of_record_it_did_not_find(staff_api):
    response = staff_api.get(reverse("api-agreement", args=[999_999_999]))

    assert response.status_code == 404
    assert response.json()["detail"] == "No agreement matches the given id."
