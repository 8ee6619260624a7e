"""Plan and queue the milestone reminders of a day by hand (beat runs the same task every morning)."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from projects.notifications.planning import plan_reminders


def parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--date must be YYYY-MM-DD, not {value!r}.") from None


class Command(BaseCommand):
    help = "Queue the milestone reminders the reminder rules fire on a day; each is sent at most once."

    def add_arguments(self, parser):
        parser.add_argument("--date", type=parse_date, help="The day the rules are applied to (default: today).")

    def handle(self, *args, date=None, **options):
        day = date or timezone.localdate()
        queued = plan_reminders(day)
        self.stdout.write(f"Queued {len(queued)} reminder(s) for {day.isoformat()} (already sent ones are skipped).")
