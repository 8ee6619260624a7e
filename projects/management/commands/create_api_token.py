"""Issue an API token for a partner organisation or a staff user; the token is printed this once."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from projects.actors import Actor
from projects.api.models import TokenScope
from projects.api.tokens import issue_token
from projects.errors import DomainError
from projects.models import Organization


class Command(BaseCommand):
    help = "Create an API token bound to an organisation (--organization) or a staff user (--user)."

    def add_arguments(self, parser):
        owner = parser.add_mutually_exclusive_group(required=True)
        owner.add_argument("--organization", metavar="SLUG", help="Slug of the partner organisation.")
        owner.add_argument("--user", metavar="USERNAME", help="A staff user (programme manager).")
        parser.add_argument("--scope", choices=TokenScope.values, required=True)
        parser.add_argument("--expires-in-days", type=int, metavar="N", help="Days until the token expires.")
        parser.add_argument("--name", default="", help="What the token is for, e.g. 'ERP sync'.")

    def handle(self, *args, organization, user, scope, expires_in_days, name, **options):
        owner = {}
        if organization:
            try:
                owner["organization"] = Organization.objects.get(slug=organization)
            except Organization.DoesNotExist:
                raise CommandError(f"No organisation with slug {organization!r}.") from None
        else:
            try:
                owner["user"] = get_user_model().objects.get(username=user)
            except get_user_model().DoesNotExist:
                raise CommandError(f"No user {user!r}.") from None
        if expires_in_days is not None and expires_in_days < 1:
            raise CommandError("--expires-in-days must be at least 1.")
        expires_at = timezone.now() + timedelta(days=expires_in_days) if expires_in_days else None
        try:
            token, raw = issue_token(actor=Actor.system(), scope=scope, expires_at=expires_at, name=name, **owner)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stderr.write(f"Token for {token.owner} ({scope}); it is shown only now, store it safely:")
        self.stdout.write(raw)
