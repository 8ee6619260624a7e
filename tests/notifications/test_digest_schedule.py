"""Digests go out when they are due, whatever day of the week, month or year the run comes on.

A weekly digest is owed once per week (Monday to Sunday), a daily one once per day; a run on any day
sends the current period's digest exactly once, and the dry run names the same people the real run sends to.
"""

import datetime
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from projects.notifications.models import Delivery, DeliveryStatus
from tests.notifications.conftest import make_programme

DAY = datetime.timedelta(days=1)
EVERYONE = ["oleh@mod.example", "olena@drone-works.example", "petra@mod.example"]
# Every day of the week of Monday 23 November 2026, a month end on a Saturday, the last day of 2026 (a
# Thursday) and the Sunday ending the week that spans the new year.
RUN_DAYS = [datetime.date(2026, 11, 23) + n * DAY for n in range(7)] + [
    datetime.date(2026, 10, 31),
    datetime.date(2026, 12, 31),
    datetime.date(2027, 1, 3),
]


def at_seven(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(7), tzinfo=datetime.UTC)


def run(frequency: str, capture, *options: str) -> str:
    out = StringIO()
    with capture(execute=True):
        call_command("send_digests", "--frequency", frequency, *options, stdout=out)
    return out.getvalue()


def sent_to() -> list[str]:
    addresses = sorted(message.to[0].split("<")[1].rstrip(">") for message in mail.outbox)
    mail.outbox.clear()
    return addresses


@pytest.mark.parametrize("day", RUN_DAYS, ids=lambda day: f"{day:%a-%Y-%m-%d}")
def test_a_weekly_digest_planned_on_any_day_is_sent_once_that_week_and_again_the_next(
    day, reminder_rules, django_capture_on_commit_callbacks
):
    with time_machine.travel(at_seven(day)):
        make_programme()
        assert run("weekly", django_capture_on_commit_callbacks).startswith("Queued 3 weekly digest(s)")
        assert sent_to() == EVERYONE
        run("weekly", django_capture_on_commit_callbacks)  # beat fired twice
        assert sent_to() == []

    sunday = day + (6 - day.weekday()) * DAY
    for later in range((sunday - day).days):
        with time_machine.travel(at_seven(day + (later + 1) * DAY)):
            run("weekly", django_capture_on_commit_callbacks)
            assert sent_to() == [], f"sent again on {day + (later + 1) * DAY}"
    with time_machine.travel(at_seven(sunday + DAY)):
        run("weekly", django_capture_on_commit_callbacks)
        assert sent_to() == EVERYONE
    assert not Delivery.objects.filter(status=DeliveryStatus.EXPIRED).exists()
    assert Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 6


@pytest.mark.parametrize("day", RUN_DAYS, ids=lambda day: f"{day:%a-%Y-%m-%d}")
def test_a_daily_digest_is_sent_once_on_its_day_and_again_the_next_day(
    day, reminder_rules, django_capture_on_commit_callbacks
):
    with time_machine.travel(at_seven(day)):
        programme = make_programme()
        programme.contact.recipient.digest_frequency = "daily"
        programme.contact.recipient.save(update_fields=["digest_frequency"])
        assert run("daily", django_capture_on_commit_callbacks).startswith("Queued 1 daily digest(s)")
        assert sent_to() == ["olena@drone-works.example"]
        run("daily", django_capture_on_commit_callbacks)
        assert sent_to() == []
    with time_machine.travel(at_seven(day + DAY)):
        run("daily", django_capture_on_commit_callbacks)
        assert sent_to() == ["olena@drone-works.example"]
    assert list(Delivery.objects.order_by("on_date").values_list("on_date", "status")) == [
        (day, DeliveryStatus.SENT),
        (day + DAY, DeliveryStatus.SENT),
    ]


@pytest.mark.parametrize("day", RUN_DAYS, ids=lambda day: f"{day:%a-%Y-%m-%d}")
def test_the_dry_run_names_the_people_the_real_run_sends_to(day, reminder_rules, django_capture_on_commit_callbacks):
    with time_machine.travel(at_seven(day)):
        make_programme()
        dry = run("weekly", django_capture_on_commit_callbacks, "--dry-run")
        assert dry.splitlines()[-1] == "Dry run: 3 weekly digest(s) would be sent; nothing was sent."
        assert sent_to() == [] and not Delivery.objects.exists()
        run("weekly", django_capture_on_commit_callbacks)
        assert sent_to() == sorted(line.split(":")[0] for line in dry.splitlines()[:-1]) == EVERYONE
