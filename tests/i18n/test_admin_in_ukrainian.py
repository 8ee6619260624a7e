"""The administration in Ukrainian: every name it reads from the models, and every page of the tracker's apps."""

import re
from io import StringIO

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.fields import GenericForeignKey
from django.core.management import call_command
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.choices import CallableChoiceIterator

from tests.i18n.pages import OUR_APPS, data_words, english_interface_words

# Django's own admin markup that its Ukrainian catalogue leaves English: the hidden column headings of the
# app lists ("Model name", "Add link"), and the alt text of the search and yes/no icons.
DJANGO_UNTRANSLATED = [
    re.compile(r'<thead class="visually-hidden">.*?</thead>', re.S),
    re.compile(r'alt="(True|False|None|Search)"'),
]
# The sidebar lists every installed app, third-party ones too (periodic tasks have no Ukrainian catalogue);
# the names of the tracker's own apps and models are held by the first test.
SIDEBAR = re.compile(r'<nav class="sticky" id="nav-sidebar".*?</nav>', re.S)
PERIODIC_TASKS = re.compile(r'<div class="app-django_celery_beat .*?</table>\s*</div>', re.S)


# Each language is named in itself, in both languages (the switch and the e-mail language choice).
AUTONYMS = {name for _code, name in settings.LANGUAGES}


def in_both_languages(text) -> tuple[str, str]:
    with translation.override("en"):
        english = str(text)
    with translation.override("uk"):
        return english, str(text)


def model_texts():
    """(where, text) for each name, help text, choice and rule message the admin and the forms read from the models."""
    for label in OUR_APPS:
        config = apps.get_app_config(label)
        yield label, config.verbose_name
        for model in config.get_models():
            if not model.__name__.startswith("Historical"):
                yield from texts_of(model, f"{label}.{model.__name__}")


def texts_of(model, name: str):
    yield name, model._meta.verbose_name
    yield name, model._meta.verbose_name_plural
    for field in model._meta.get_fields():
        if field.auto_created or not isinstance(field, models.Field) or isinstance(field, GenericForeignKey):
            continue
        yield f"{name}.{field.name}", field.verbose_name
        if field.help_text:
            yield f"{name}.{field.name} help", field.help_text
        if not isinstance(field.choices, CallableChoiceIterator):  # those (countries) are named per request
            yield from ((f"{name}.{field.name} choice", choice) for _value, choice in field.flatchoices)
    for constraint in model._meta.constraints:
        if constraint.violation_error_message != constraint.default_violation_error_message:
            yield f"{name} {constraint.name}", constraint.violation_error_message


def test_every_name_the_admin_reads_from_the_models_is_in_ukrainian_too():
    untranslated = []
    for where, text in model_texts():
        english, ukrainian = in_both_languages(text)
        if english == ukrainian and english not in AUTONYMS:
            untranslated.append(f"{where}: {english}")
    assert untranslated == []


@pytest.fixture
def ukrainian_admin(db):
    call_command("seed_demo", stdout=StringIO())
    client = Client(headers={"accept-language": "uk"})
    client.force_login(get_user_model().objects.get(username="admin"))
    return client


def admin_pages(user) -> list[str]:
    """The list, the add page and one record's page of every model of the tracker's apps in the admin."""
    request = type("Request", (), {"user": user})()
    urls = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in OUR_APPS:
            continue
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls.append(reverse(f"{name}_changelist"))
        if model_admin.has_add_permission(request):
            urls.append(reverse(f"{name}_add"))
        record = model._default_manager.order_by("pk").first()
        if record is not None:
            urls.append(reverse(f"{name}_change", args=[record.pk]))
    return urls


def test_every_admin_page_of_the_tracker_speaks_ukrainian(ukrainian_admin):
    allowed = data_words()
    admin_user = get_user_model().objects.get(username="admin")
    pages = admin_pages(admin_user)
    assert len(pages) > 40
    english = {}
    for url in pages:
        response = ukrainian_admin.get(url)
        assert response.status_code == 200, url
        html = PERIODIC_TASKS.sub("", SIDEBAR.sub("", response.content.decode()))
        for markup in DJANGO_UNTRANSLATED:
            html = markup.sub("", html)
        assert '<html lang="uk"' in html, url
        if words := english_interface_words(html, allowed):
            english[url] = words
    assert english == {}


def test_the_admin_groups_figures_the_ukrainian_way(ukrainian_admin):
    page = ukrainian_admin.get(reverse("admin:projects_milestone_changelist")).content.decode()
    assert re.search(r"\d / 10\xa0000 interceptors", page)  # the demo's 10,000 interceptor drones
