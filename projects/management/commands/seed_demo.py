"""Load the illustrative demo portfolio (invented figures) and the demo logins; running it again changes nothing."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from projects import demo
from projects.actors import Actor
from projects.models import Agreement, Capability, Organization
from projects.notifications.models import Contact
from projects.notifications.services import add_contact
from projects.services import agreements, funding, milestones, reports

DEMO_PASSWORD = "tracker-demo"  # noqa: S105  (a published demo login, not a secret)
MANAGERS_GROUP = "Programme managers"


class Command(BaseCommand):
    help = (
        "Load an ILLUSTRATIVE demo portfolio (invented figures, partly invented organisations) with demo "
        "logins manager, viewer and admin. Idempotent: existing records are left as they are."
    )

    def handle(self, *args, **options):
        manager = self.ensure_users()
        actor = Actor(user=manager)
        today = timezone.localdate()
        with transaction.atomic():
            organizations = {
                slug: Organization.objects.get_or_create(
                    slug=slug, defaults={"name": name, "kind": kind, "country": cc}
                )[0]
                for slug, name, kind, cc in demo.ORGANIZATIONS
            }
            capabilities = {
                slug: Capability.objects.get_or_create(slug=slug, defaults={"name": name})[0]
                for slug, name in demo.CAPABILITIES
            }
        for currency, (earlier, latest) in demo.EXCHANGE_RATES.items():
            funding.set_exchange_rate(actor=actor, currency=currency, rate=earlier, valid_on=today - timedelta(days=60))
            funding.set_exchange_rate(actor=actor, currency=currency, rate=latest, valid_on=today - timedelta(days=1))
        created = 0
        for spec in demo.AGREEMENTS:
            if not Agreement.objects.filter(reference=spec["reference"]).exists():
                self.create_agreement(spec, actor, manager, organizations, capabilities, today)
                created += 1
        for slug, name, email in demo.CONTACTS:
            if not Contact.objects.filter(organization=organizations[slug], email=email).exists():
                add_contact(actor=actor, organization_id=organizations[slug].pk, name=name, email=email)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo portfolio ready ({created} agreements added, {Agreement.objects.count()} in all)."
            )
        )
        self.stdout.write(f"Demo logins (password '{DEMO_PASSWORD}'): manager (programme manager), viewer, admin.")

    def ensure_users(self):
        User = get_user_model()
        managers, _ = Group.objects.get_or_create(name=MANAGERS_GROUP)
        managers.permissions.set(Permission.objects.filter(content_type__app_label="projects"))
        accounts = {
            "manager": {"is_staff": True, "first_name": "Olena", "last_name": "Demo"},
            "viewer": {"first_name": "Viktor", "last_name": "Demo"},
            "admin": {"is_staff": True, "is_superuser": True},
        }
        users = {}
        for username, fields in accounts.items():
            user, created = User.objects.get_or_create(
                username=username, defaults={**fields, "email": f"{username}@tracker.example"}
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            users[username] = user
        users["manager"].groups.add(managers)
        return users["manager"]

    def create_agreement(self, spec, actor, manager, organizations, capabilities, today):
        def day(offset: int):
            return today + timedelta(days=offset)

        agreement = agreements.create_agreement(
            actor=actor,
            reference=spec["reference"],
            title=spec["title"],
            summary=spec["summary"],
            kind=spec["kind"],
            currency=spec["currency"],
            budget=spec["budget"],
            starts_on=day(spec["starts"]),
            ends_on=day(spec["ends"]),
            programme_manager=manager,
            capabilities=[capabilities[slug] for slug in spec["capabilities"]],
        )
        for slug, role in spec["parties"]:
            agreements.add_party(
                actor=actor, agreement_id=agreement.pk, organization_id=organizations[slug].pk, role=role
            )
        for funder, amount, currency, status, pledged, reference, payments in spec["commitments"]:
            commitment = funding.record_commitment(
                actor=actor,
                agreement_id=agreement.pk,
                funder_id=organizations[funder].pk,
                amount=amount,
                currency=currency,
                status=status,
                pledged_on=day(pledged),
                reference=reference,
            )
            for number, (paid, paid_on) in enumerate(payments, start=1):
                funding.record_disbursement(
                    actor=actor,
                    commitment_id=commitment.pk,
                    amount=paid,
                    disbursed_on=day(paid_on),
                    reference=f"{reference}-T{number}",
                )
        for title, due, responsible, unit, target, actual, status in spec["milestones"]:
            milestones.create_milestone(
                actor=actor,
                agreement_id=agreement.pk,
                title=title,
                due_on=day(due),
                responsible=organizations[responsible],
                owner=manager,
                unit=unit,
                target_quantity=target,
                actual_quantity=actual,
                status=status,
                completed_on=day(due) if status == "done" else None,
            )
        for reported, rag, summary, risks, next_steps in spec["reports"]:
            reports.post_status_report(
                actor=actor,
                agreement_id=agreement.pk,
                reported_on=day(reported),
                rag=rag,
                summary=summary,
                risks=risks,
                next_steps=next_steps,
            )
        for status, offset in spec["path"]:
            agreements.transition_agreement(
                actor=actor,
                agreement_id=agreement.pk,
                to_status=status,
                reason="Recorded from the programme file (demo data).",
                effective_on=day(offset),
            )
