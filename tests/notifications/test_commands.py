"""The management commands run the same planning as beat; --dry-run only prints."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from projects.notifications.models import Delivery, DigestFrequency


def test_send_reminders_for_a_given_date(programme, django_capture_on_commit_callbacks):
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--date", programme.today.isoformat(), stdout=out)
    assert f"Queued 3 reminder(s) for {programme.today.isoformat()}" in out.getvalue()
    assert len(mail.outbox) == 3


def test_send_reminders_refuses_a_malformed_date(programme):
    with pytest.raises(CommandError, match="--date must be YYYY-MM-DD"):
        call_command("send_reminders", "--date", "15/01/2026")
    assert not Delivery.objects.exists()


def test_send_digests_dry_run_prints_who_would_get_what_and_sends_nothing(programme):
    out = StringIO()
    call_command("send_digests", "--frequency", DigestFrequency.WEEKLY, "--dry-run", stdout=out)
    lines = out.getvalue().splitlines()
    assert (
        f"olena@drone-works.example: 'Weekly digest {programme.today:%d %b %Y}: 1 agreement with news' "
        "[UA-GB-2026-001]" in lines
    )
    assert lines[-1] == "Dry run: 3 weekly digest(s) would be sent; nothing was sent."
    assert mail.outbox == [] and not Delivery.objects.exists()


def test_send_digests_queues_this_periods_digests(programme, django_capture_on_commit_callbacks):
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_digests", "--frequency", "weekly", stdout=out)
    assert "Queued 3 weekly digest(s)" in out.getvalue()
    assert len(mail.outbox) == 3
