"""Plan and queue this period's digests by hand, or print who would get what (--dry-run)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from projects.notifications.delivery import SCHEDULED_FREQUENCIES, plan_digests
from projects.notifications.digests import build_digest, digest_since
from projects.notifications.emails import digest_subject
from projects.notifications.management.commands.send_reminders import parse_date
from projects.notifications.models import Recipient
from projects.notifications.recipients import addressable, ensure_user_recipients, involved_user_ids


class Command(BaseCommand):
    help = "Queue the digests of recipients on a frequency for the current period; each is sent at most once."

    def add_arguments(self, parser):
        parser.add_argument("--frequency", choices=SCHEDULED_FREQUENCIES, default="weekly")
        parser.add_argument("--date", type=parse_date, help="A day in the period (default: today).")
        parser.add_argument("--dry-run", action="store_true", help="Print who would get what; send nothing.")

    def handle(self, *args, frequency, date=None, dry_run=False, **options):
        day = date or timezone.localdate()
        if dry_run:
            self.dry_run(frequency)
            return
        queued = plan_digests(frequency, day)
        self.stdout.write(f"Queued {len(queued)} {frequency} digest(s) for {day.isoformat()}; empty ones are not sent.")

    def dry_run(self, frequency: str) -> None:
        ensure_user_recipients(involved_user_ids())  # new users' default preferences, as a real run would
        until = timezone.now()
        recipients = addressable(Recipient.objects.filter(digest_frequency=frequency)).order_by("pk")
        would_send = 0
        for recipient in recipients:
            digest = build_digest(recipient, since=digest_since(recipient, frequency, until), until=until)
            if digest.is_empty:
                self.stdout.write(f"{recipient.email}: nothing to report on {digest.agreement_count} agreement(s)")
                continue
            would_send += 1
            references = ", ".join(section.agreement.reference for section in digest.sections)
            self.stdout.write(f"{recipient.email}: {digest_subject(digest, frequency)!r} [{references}]")
        self.stdout.write(f"Dry run: {would_send} {frequency} digest(s) would be sent; nothing was sent.")
