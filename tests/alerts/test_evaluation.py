"""The daily evaluation raises each occurrence once, brings snoozed alerts back and resolves what cleared."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection

from projects.actors import Actor
from projects.alerts.models import Alert, AlertKind, AlertRule, AlertState
from projects.alerts.services import acknowledge_alert, evaluate_alerts, set_alert_rule, snooze_alert
from projects.choices import CommitmentStatus
from projects.errors import DomainError, ErrorCode
from projects.models import Milestone
from projects.services.funding import record_disbursement, update_commitment
from projects.services.milestones import complete_milestone
from tests.alerts.conftest import DAY, at_six, waiting_from, watched_from
from tests.factories import CommitmentFactory, UserFactory
from tests.services.test_funding import run_at_once

pytestmark = pytest.mark.usefixtures("alert_rules")
SYSTEM = Actor.system()
# Every day of the week of Monday 23 November 2026, a month end on a Saturday (31 October 2026), the last
# day of 2026 (a Thursday), 1 March 2027 (after a 28-day February) and the Sunday ending the week of the new year.
RUN_DAYS = [datetime.date(2026, 11, 23) + n * DAY for n in range(7)] + [
    datetime.date(2026, 10, 31),
    datetime.date(2026, 12, 31),
    datetime.date(2027, 3, 1),
    datetime.date(2027, 1, 3),
]
ALL_KINDS = ["missing_status_report", "overdue_milestone", "undisbursed_commitment"]


def evaluate(day: datetime.date):
    with time_machine.travel(at_six(day), tick=False):
        return evaluate_alerts(actor=SYSTEM, today=day)


def alerts() -> list[tuple[str, str]]:
    return sorted(Alert.objects.values_list("kind", "state"))


@pytest.mark.parametrize("day", RUN_DAYS, ids=lambda day: f"{day:%a-%Y-%m-%d}")
def test_each_rule_raises_its_alert_on_the_day_its_threshold_is_reached_and_only_once(db, day):
    watched_from(day)

    assert evaluate(day - DAY).holding == 0 and alerts() == []
    assert evaluate(day).holding == 3
    assert alerts() == [(kind, "open") for kind in ALL_KINDS]
    evaluate(day)
    evaluate(day + DAY)
    assert alerts() == [(kind, "open") for kind in ALL_KINDS]
    assert sorted(Alert.objects.values_list("since", flat=True)) == [day - 60 * DAY, day - 45 * DAY, day - 15 * DAY]


def test_a_week_across_a_month_end_raises_each_alert_on_its_own_day(db):
    """Thresholds met on Thu 28 Jan (milestone), Sat 31 Jan (commitment) and Sun 1 Feb 2026 (report)."""
    watched = watched_from(datetime.date(2026, 2, 1))
    update_commitment(actor=SYSTEM, commitment_id=watched.commitment.pk, pledged_on=datetime.date(2025, 12, 2))
    watched.milestone.due_on = datetime.date(2026, 1, 13)
    watched.milestone.save(update_fields=["due_on"])

    seen = {}
    for day in [datetime.date(2026, 1, 26) + n * DAY for n in range(7)]:
        evaluate(day)
        seen[f"{day:%a %d}"] = sorted(Alert.objects.showing().values_list("kind", flat=True))

    assert seen == {
        "Mon 26": [],
        "Tue 27": [],
        "Wed 28": ["overdue_milestone"],
        "Thu 29": ["overdue_milestone"],
        "Fri 30": ["overdue_milestone"],
        "Sat 31": ["overdue_milestone", "undisbursed_commitment"],
        "Sun 01": ALL_KINDS,
    }
    assert Alert.objects.count() == 3


def test_a_commitment_confirmed_later_counts_from_the_day_it_became_firm(db):
    with time_machine.travel(at_six(datetime.date(2026, 3, 2)), tick=False):
        commitment = CommitmentFactory(status=CommitmentStatus.PLEDGED, pledged_on=datetime.date(2026, 3, 2))
    with time_machine.travel(at_six(datetime.date(2026, 4, 1)), tick=False):
        update_commitment(actor=SYSTEM, commitment_id=commitment.pk, status=CommitmentStatus.COMMITTED)

    evaluate(datetime.date(2026, 5, 30))
    assert not Alert.objects.filter(kind=AlertKind.UNDISBURSED_COMMITMENT).exists()
    evaluate(datetime.date(2026, 5, 31))
    assert Alert.objects.get(kind=AlertKind.UNDISBURSED_COMMITMENT).since == datetime.date(2026, 4, 1)


def test_a_snoozed_alert_comes_back_on_its_day_if_the_condition_still_holds(db, staff):
    day = datetime.date(2026, 11, 27)
    watched_from(day)
    evaluate(day)
    milestone_alert = Alert.objects.get(kind=AlertKind.OVERDUE_MILESTONE)

    with time_machine.travel(at_six(day), tick=False):
        with pytest.raises(DomainError) as refused:
            snooze_alert(actor=staff, alert_id=milestone_alert.pk, until=day)
        assert refused.value.code == ErrorCode.INVALID
        snooze_alert(actor=staff, alert_id=milestone_alert.pk, until=datetime.date(2026, 12, 1))

    states = {}
    for later in [datetime.date(2026, 11, 28), datetime.date(2026, 11, 30), datetime.date(2026, 12, 1)]:
        evaluate(later)
        milestone_alert.refresh_from_db()
        states[f"{later:%d %b}"] = (milestone_alert.state, milestone_alert.snoozed_until)
    assert states == {
        "28 Nov": ("snoozed", datetime.date(2026, 12, 1)),
        "30 Nov": ("snoozed", datetime.date(2026, 12, 1)),
        "01 Dec": ("open", None),
    }
    assert milestone_alert.handled_by == staff.user and Alert.objects.count() == 3


def test_a_snoozed_alert_whose_condition_cleared_is_resolved_not_reopened(db, staff):
    day = datetime.date(2026, 11, 27)
    watched = watched_from(day)
    evaluate(day)
    alert = Alert.objects.get(kind=AlertKind.UNDISBURSED_COMMITMENT)
    with time_machine.travel(at_six(day), tick=False):
        snooze_alert(actor=staff, alert_id=alert.pk, until=datetime.date(2026, 12, 4))
        record_disbursement(
            actor=staff,
            commitment_id=watched.commitment.pk,
            amount=Decimal("1000.00"),
            disbursed_on=day,
            reference="PAY-1",
        )

    evaluate(datetime.date(2026, 12, 4))
    alert.refresh_from_db()
    assert (alert.state, alert.snoozed_until) == ("resolved", None) and alert.resolved_at is not None


def test_an_acknowledged_alert_stays_quiet_until_resolved_and_returns_if_the_condition_does(db, staff):
    day = datetime.date(2026, 11, 27)
    watched = watched_from(day)
    evaluate(day)
    alert = Alert.objects.get(kind=AlertKind.OVERDUE_MILESTONE)
    acknowledge_alert(actor=staff, alert_id=alert.pk)
    evaluate(day + DAY)
    alert.refresh_from_db()
    assert alert.state == AlertState.ACKNOWLEDGED

    complete_milestone(actor=staff, milestone_id=watched.milestone.pk, completed_on=day)
    evaluate(day + 2 * DAY)
    alert.refresh_from_db()
    assert alert.state == AlertState.RESOLVED
    with pytest.raises(DomainError) as refused:
        acknowledge_alert(actor=staff, alert_id=alert.pk)
    assert refused.value.code == ErrorCode.CONFLICT

    # reopened by hand: the same occurrence holds again
    Milestone.objects.filter(pk=watched.milestone.pk).update(status="in_progress", completed_on=None)
    evaluate(day + 3 * DAY)
    alert.refresh_from_db()
    assert alert.state == AlertState.OPEN and Alert.objects.filter(kind=AlertKind.OVERDUE_MILESTONE).count() == 1


def test_only_staff_handle_alerts_and_rules(db, staff):
    day = datetime.date(2026, 11, 27)
    watched_from(day)
    evaluate(day)
    alert = Alert.objects.get(kind=AlertKind.OVERDUE_MILESTONE)
    rule = AlertRule.objects.get(kind=AlertKind.OVERDUE_MILESTONE)
    partner = Actor(organization=alert.agreement.parties.first().organization)
    someone = Actor(user=UserFactory())

    for actor in (partner, someone):
        with pytest.raises(DomainError) as refused:
            acknowledge_alert(actor=actor, alert_id=alert.pk)
        assert refused.value.code == ErrorCode.PERMISSION_DENIED
        with pytest.raises(DomainError):
            set_alert_rule(actor=actor, rule_id=rule.pk, days=30, active=True)
    alert.refresh_from_db()
    rule.refresh_from_db()
    assert (alert.state, rule.days) == ("open", 14)


def test_a_threshold_change_applies_from_the_next_evaluation(db, staff):
    day = datetime.date(2026, 11, 27)
    watched_from(day)
    rule = AlertRule.objects.get(kind=AlertKind.OVERDUE_MILESTONE)
    with pytest.raises(DomainError) as refused:
        set_alert_rule(actor=staff, rule_id=rule.pk, days=0, active=True)
    assert refused.value.field == "days"
    set_alert_rule(actor=staff, rule_id=rule.pk, days=20, active=True)

    evaluate(day)
    assert not Alert.objects.filter(kind=AlertKind.OVERDUE_MILESTONE).exists()
    set_alert_rule(actor=staff, rule_id=rule.pk, days=10, active=True)
    evaluate(day)
    assert Alert.objects.filter(kind=AlertKind.OVERDUE_MILESTONE, state=AlertState.OPEN).count() == 1
    set_alert_rule(actor=staff, rule_id=rule.pk, days=10, active=False)
    evaluate(day)
    assert Alert.objects.get(kind=AlertKind.OVERDUE_MILESTONE).state == AlertState.RESOLVED


@pytest.mark.parametrize("agreements", [2, 6])
def test_the_evaluation_runs_the_same_queries_for_any_number_of_agreements(db, agreements, django_assert_num_queries):
    day = datetime.date(2026, 11, 27)
    for n in range(agreements):
        waiting_from(day, watched_from(day, reference=f"UA-GB-2026-{n:03d}").agreement)
    evaluate(day)
    Milestone.objects.filter(agreement__reference="UA-GB-2026-000").update(status="done", completed_on=day)

    # the rules, five rule reads, the insert, the locking read, one update (a resolved alert), the savepoint pair
    with django_assert_num_queries(11):
        outcome = evaluate(day + DAY)
    assert (outcome.holding, outcome.resolved) == (5 * agreements - 1, 1)
    assert Alert.objects.count() == 5 * agreements


@pytest.mark.postgres
def test_two_evaluations_at_once_raise_each_alert_once(transactional_db):
    day = datetime.date(2026, 11, 27)
    for n in range(3):
        watched_from(day, reference=f"UA-GB-2026-{n:03d}")

    outcomes = run_at_once(*[lambda: evaluate_alerts(actor=SYSTEM, today=day)] * 2)

    assert [outcome.holding for outcome in outcomes] == [9, 9]
    assert Alert.objects.count() == 9
    assert len(set(Alert.objects.values_list("occurrence", flat=True))) == 9
    connection.close()
