"""Evaluate the alert rules for a day by hand (beat runs the same evaluation every morning)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from projects.actors import Actor
from projects.alerts.services import evaluate_alerts
from projects.notifications.management.commands.send_reminders import parse_date


class Command(BaseCommand):
    help = "Raise the alerts whose conditions hold on a day, each occurrence once; reopen ended snoozes."

    def add_arguments(self, parser):
        parser.add_argument("--date", type=parse_date, help="The day the rules are applied to (default: today).")

    def handle(self, *args, date=None, **options):
        day = date or timezone.localdate()
        outcome = evaluate_alerts(actor=Actor.system(), today=day)
        self.stdout.write(
            f"{day.isoformat()}: {outcome.holding} condition(s) hold, each with its one alert; "
            f"{outcome.reopened} reopened, {outcome.resolved} resolved."
        )
