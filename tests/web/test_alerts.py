"""Alerts on the dashboard, the rules page and the admin: every change goes through the alert services."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from projects.actors import Actor
from projects.alerts.models import Alert, AlertKind, AlertRule, AlertState
from projects.alerts.services import evaluate_alerts
from tests.alerts.conftest import at_six, waiting_from, watched_from
from tests.factories import UserFactory
from tests.web.test_queries import DASHBOARD_QUERIES, dashboard_queries

pytestmark = pytest.mark.usefixtures("alert_rules")
DAY = datetime.date(2026, 11, 27)


@pytest.fixture
def frozen():
    with time_machine.travel(at_six(DAY), tick=False):
        yield


def raise_alerts(agreements: int = 1) -> None:
    for n in range(agreements):
        watched_from(DAY, reference=f"UA-GB-2026-{n:03d}")
    evaluate_alerts(actor=Actor.system(), today=DAY)


def test_the_dashboard_lists_open_alerts_with_acknowledge_and_snooze_for_managers_only(
    frozen, manager_client, viewer_client
):
    raise_alerts()
    page = manager_client.get(reverse("dashboard")).content.decode()
    viewed = viewer_client.get(reverse("dashboard")).content.decode()

    assert 'data-figure="alert-count">3<' in page and 'data-figure="alert-count">3<' in viewed
    assert "Committed, not disbursed" in page and "Line acceptance" in page and "since 12 Nov 2026" in page
    assert page.count("Acknowledge</button>") == 3 and 'min="2026-11-28"' in page
    assert "Acknowledge</button>" not in viewed and "Alert rules and thresholds" not in viewed


def test_acknowledge_and_snooze_from_the_dashboard(frozen, manager_client, viewer_client, staff_user):
    raise_alerts()
    milestone, report, commitment = (
        Alert.objects.get(kind=kind)
        for kind in (AlertKind.OVERDUE_MILESTONE, AlertKind.MISSING_STATUS_REPORT, AlertKind.UNDISBURSED_COMMITMENT)
    )

    assert viewer_client.post(reverse("alert-acknowledge", args=[milestone.pk])).status_code == 403
    done = manager_client.post(reverse("alert-acknowledge", args=[milestone.pk]), follow=True)
    past = manager_client.post(reverse("alert-snooze", args=[report.pk]), {"until": "2026-11-27"}, follow=True)
    later = manager_client.post(reverse("alert-snooze", args=[commitment.pk]), {"until": "2026-12-07"}, follow=True)

    assert "Alert acknowledged." in done.content.decode()
    assert "Snooze until a day after today." in past.content.decode()
    assert "Alert snoozed until 7 Dec 2026." in later.content.decode()
    assert sorted(Alert.objects.values_list("kind", "state", "snoozed_until", "handled_by__username")) == [
        ("missing_status_report", "open", None, None),
        ("overdue_milestone", "acknowledged", None, "manager"),
        ("undisbursed_commitment", "snoozed", datetime.date(2026, 12, 7), "manager"),
    ]
    assert 'data-figure="alert-count">1<' in later.content.decode()


def test_alerts_read_in_the_readers_language_whichever_language_raised_them(frozen, manager_client):
    watched = watched_from(DAY)
    funder = watched.commitment.funder
    funder.name, funder.name_uk = "Ministry of Defence", "Міністерство оборони"
    funder.save()
    request = waiting_from(DAY, watched.agreement).change_request
    with translation.override("uk"):
        evaluate_alerts(actor=Actor.system(), today=DAY)

    english = manager_client.get(reverse("dashboard")).content.decode()
    ukrainian = manager_client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="uk").content.decode()

    assert "Ministry of Defence: 250,000.00 EUR" in english
    assert "Line 2 capacity: 19 Aug 2026 – 19 Nov 2026" in english
    assert f"#{request.pk} Change Agreement budget: A second production line" in english
    assert "Міністерство оборони: 250\xa0000,00 EUR" in ukrainian
    assert "Line 2 capacity: 19 серпня 2026 – 19 листопада 2026" in ukrainian
    assert f"#{request.pk} Зміна Бюджет угоди: A second production line" in ukrainian
    assert "Line acceptance" in ukrainian  # a milestone's title is data, shown as entered


@pytest.mark.parametrize("agreements", [1, 4])
def test_the_dashboard_reads_alerts_in_the_same_queries_whatever_their_number(frozen, manager_client, agreements):
    raise_alerts(agreements)
    assert dashboard_queries(manager_client) == DASHBOARD_QUERIES


def test_managers_change_a_threshold_on_the_rules_page(manager_client, viewer_client):
    rule = AlertRule.objects.get(kind=AlertKind.MISSING_STATUS_REPORT)
    edit = reverse("alert-rule-edit", args=[rule.pk])

    assert viewer_client.get(reverse("alert-rules")).status_code == 403
    listed = manager_client.get(reverse("alert-rules")).content.decode()
    refused = manager_client.post(edit, {"days": "0", "active": "on"})
    saved = manager_client.post(edit, {"days": "30", "active": "on"}, follow=True)

    assert 'data-rule="missing_status_report"' in listed and ">45<" in listed
    assert "Period ended, no actual" in listed and "Change request waiting" in listed
    assert "A threshold is one day or more." in refused.content.decode()
    assert "No status report now alerts after 30 days." in saved.content.decode()
    assert list(AlertRule.objects.order_by("kind").values_list("kind", "days", "active")) == [
        ("missing_status_report", 30, True),
        ("overdue_milestone", 14, True),
        ("period_without_actual", 7, True),
        ("undisbursed_commitment", 60, True),
        ("waiting_change_request", 7, True),
    ]


def test_the_admin_changes_thresholds_and_acknowledges_alerts_through_the_services(frozen, db, client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    raise_alerts()
    rule = AlertRule.objects.get(kind=AlertKind.OVERDUE_MILESTONE)

    client.post(reverse("admin:alerts_alertrule_change", args=[rule.pk]), {"days": "21", "active": "on"})
    refused = client.post(reverse("admin:alerts_alertrule_change", args=[rule.pk]), {"days": "0", "active": "on"})
    client.post(
        reverse("admin:alerts_alert_changelist"),
        {"action": "acknowledge", "_selected_action": list(Alert.objects.values_list("pk", flat=True))},
    )

    assert "A threshold is one day or more." in refused.content.decode()
    assert AlertRule.objects.get(pk=rule.pk).days == 21
    assert set(Alert.objects.values_list("state", "handled_by__username")) == {(AlertState.ACKNOWLEDGED, "root")}
