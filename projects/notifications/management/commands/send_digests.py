"""Plan and queue this period's digests by hand, or print who would get what (--dry-run)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from projects.notifications.delivery import digests_for
from projects.notifications.digest_email import digest_subject
from projects.notifications.management.commands.send_reminders import parse_date
from projects.notifications.planning import SCHEDULED_FREQUENCIES, plan_digests, planned_digests


class Command(BaseCommand):
    help = "Queue the digests of recipients on a frequency for the current period; each is sent at most once."

    def add_arguments(self, parser):
        parser.add_argument("--frequency", choices=SCHEDULED_FREQUENCIES, default="weekly")
        parser.add_argument("--date", type=parse_date, help="A day in the period (default: today).")
        parser.add_argument("--dry-run", action="store_true", help="Print who would get what; send nothing.")

    def handle(self, *args, frequency, date=None, dry_run=False, **options):
        day = date or timezone.localdate()
        if dry_run:
            self.dry_run(frequency, day)
            return
        queued = plan_digests(frequency, day)
        self.stdout.write(f"Queued {len(queued)} {frequency} digest(s) for {day.isoformat()}; empty ones are not sent.")

    def dry_run(self, frequency: str, day) -> None:
        """The digests the real run would queue now (planned and rolled back), each built as it would be sent."""
        would_send = 0
        for delivery, digest in digests_for(planned_digests(frequency, day)):
            email, chosen = delivery.recipient.email, delivery.recipient.digest_frequency
            if digest is None:
                self.stdout.write(f"{email}: no {delivery.period} digest (they chose {chosen})")
                continue
            if digest.is_empty:
                self.stdout.write(f"{email}: nothing to report on {digest.agreement_count} agreement(s)")
                continue
            would_send += 1
            references = ", ".join(section.agreement["reference"] for section in digest.sections)
            self.stdout.write(f"{email}: {digest_subject(digest)!r} [{references}]")
        self.stdout.write(f"Dry run: {would_send} {frequency} digest(s) would be sent; nothing was sent.")
