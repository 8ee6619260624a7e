"""Load the illustrative demo portfolio (invented figures) and the demo logins; running it again changes nothing."""

from dataclasses import dataclass
from datetime import date, timedelta

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
        seed = Seed(manager=ensure_users(), today=timezone.localdate(), **reference_data())
        seed.set_exchange_rates()
        created = 0
        for spec in demo.AGREEMENTS:
            if not Agreement.objects.filter(reference=spec["reference"]).exists():
                seed.create_agreement(spec)
                created += 1
        seed.add_contacts()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo portfolio ready ({created} agreements added, {Agreement.objects.count()} in all)."
            )
        )
        self.stdout.write(f"Demo logins (password '{DEMO_PASSWORD}'): manager (programme manager), viewer, admin.")


def ensure_users():
    """The three demo logins; returns the programme manager, who records the whole demo portfolio."""
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


@transaction.atomic
def reference_data() -> dict:
    """The organisations and capabilities the demo agreements name, by slug."""
    organizations = {
        slug: Organization.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "name_uk": demo.ORGANIZATION_NAMES_UK.get(slug, ""), "kind": kind, "country": cc},
        )[0]
        for slug, name, kind, cc in demo.ORGANIZATIONS
    }
    capabilities = {
        slug: Capability.objects.get_or_create(slug=slug, defaults={"name": name})[0]
        for slug, name in demo.CAPABILITIES
    }
    return {"organizations": organizations, "capabilities": capabilities}


@dataclass(frozen=True)
class Seed:
    """Writes the demo through the services, as the programme manager, with dates relative to today."""

    manager: object
    today: date
    organizations: dict[str, Organization]
    capabilities: dict[str, Capability]

    @property
    def actor(self) -> Actor:
        return Actor(user=self.manager)

    def day(self, offset: int) -> date:
        return self.today + timedelta(days=offset)

    def set_exchange_rates(self) -> None:
        for currency, (earlier, latest) in demo.EXCHANGE_RATES.items():
            for rate, offset in ((earlier, -60), (latest, -1)):
                funding.set_exchange_rate(actor=self.actor, currency=currency, rate=rate, valid_on=self.day(offset))

    def add_contacts(self) -> None:
        for slug, name, email in demo.CONTACTS:
            organization = self.organizations[slug]
            if not Contact.objects.filter(organization=organization, email=email).exists():
                add_contact(actor=self.actor, organization_id=organization.pk, name=name, email=email)

    def create_agreement(self, spec: dict) -> None:
        """The agreement as its programme file tells it: parties, money, plan, reports, then its status moves."""
        agreement = agreements.create_agreement(
            actor=self.actor,
            reference=spec["reference"],
            title=spec["title"],
            summary=spec["summary"],
            kind=spec["kind"],
            currency=spec["currency"],
            budget=spec["budget"],
            starts_on=self.day(spec["starts"]),
            ends_on=self.day(spec["ends"]),
            programme_manager=self.manager,
            capabilities=[self.capabilities[slug] for slug in spec["capabilities"]],
        )
        self.add_parties(agreement, spec["parties"])
        self.record_funding(agreement, spec["commitments"])
        self.plan_milestones(agreement, spec["milestones"])
        self.post_reports(agreement, spec["reports"])
        self.move_status(agreement, spec["path"])

    def add_parties(self, agreement: Agreement, parties: list) -> None:
        for slug, role in parties:
            agreements.add_party(
                actor=self.actor, agreement_id=agreement.pk, organization_id=self.organizations[slug].pk, role=role
            )

    def record_funding(self, agreement: Agreement, commitments: list) -> None:
        for funder, amount, currency, status, pledged, reference, payments in commitments:
            commitment = funding.record_commitment(
                actor=self.actor,
                agreement_id=agreement.pk,
                funder_id=self.organizations[funder].pk,
                amount=amount,
                currency=currency,
                status=status,
                pledged_on=self.day(pledged),
                reference=reference,
            )
            for number, (paid, paid_on) in enumerate(payments, start=1):
                funding.record_disbursement(
                    actor=self.actor,
                    commitment_id=commitment.pk,
                    amount=paid,
                    disbursed_on=self.day(paid_on),
                    reference=f"{reference}-T{number}",
                )

    def plan_milestones(self, agreement: Agreement, planned: list) -> None:
        for title, due, responsible, unit, target, actual, status in planned:
            milestones.create_milestone(
                actor=self.actor,
                agreement_id=agreement.pk,
                title=title,
                due_on=self.day(due),
                responsible=self.organizations[responsible],
                owner=self.manager,
                unit=unit,
                target_quantity=target,
                actual_quantity=actual,
                status=status,
                completed_on=self.day(due) if status == "done" else None,
            )

    def post_reports(self, agreement: Agreement, posted: list) -> None:
        for reported, rag, summary, risks, next_steps in posted:
            reports.post_status_report(
                actor=self.actor,
                agreement_id=agreement.pk,
                reported_on=self.day(reported),
                rag=rag,
                summary=summary,
                risks=risks,
                next_steps=next_steps,
            )

    def move_status(self, agreement: Agreement, path: list) -> None:
        for status, offset in path:
            agreements.transition_agreement(
                actor=self.actor,
                agreement_id=agreement.pk,
                to_status=status,
                reason="Recorded from the programme file (demo data).",
                effective_on=self.day(offset),
            )
