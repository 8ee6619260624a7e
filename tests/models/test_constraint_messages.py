"""A rule the database holds speaks the programme manager's language wherever a form meets it, beside the
field it is about."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import reverse

from projects.models import Agreement
from tests.factories import UserFactory


def test_every_constraint_a_form_can_meet_has_a_message_in_plain_words():
    request = RequestFactory().get("/")
    request.user = get_user_model()(is_active=True, is_staff=True, is_superuser=True)
    edited_in_forms = [
        model
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in {"projects", "notifications"}
        and (model_admin.has_add_permission(request) or model_admin.has_change_permission(request))
    ]

    generic = [
        constraint.name
        for model in edited_in_forms
        for constraint in model._meta.constraints
        if "is violated" in str(constraint.get_violation_error_message())
    ]

    assert Agreement in edited_in_forms and generic == []


def test_the_admin_shows_a_broken_rule_beside_its_field_in_plain_words(client, db):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))

    response = client.post(
        reverse("admin:projects_agreement_add"),
        {
            "reference": "UA-PL-2026-001",
            "title": "Shells",
            "kind": "co_production",
            "currency": "PLN",
            "budget": "-1",
            "starts_on": "2026-05-01",
            "ends_on": "2026-04-01",
            "parties-TOTAL_FORMS": "0",
            "parties-INITIAL_FORMS": "0",
        },
    )

    assert response.context["adminform"].form.errors == {
        "budget": ["The budget cannot be negative."],
        "ends_on": ["The end date cannot be before the start date."],
    }
    assert not Agreement.objects.exists()
