"""Load the illustrative demo portfolio (invented figures) and the demo logins; running it again changes nothing."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from projects import demo
from projects.actors import Actor
from projects.alerts.services import evaluate_alerts
from projects.choices import ChangeOperation, ChangeTarget, CommitmentStatus
from projects.models import Agreement, Capability, CountryEconomy, FundingCommitment, Indicator, Organization
from projects.notifications.models import Contact
from projects.notifications.services import add_contact
from projects.services import agreements, economies, funding, indicators, milestones, reports, tranches
from projects.services.change_requests import approve_change, propose_change, submit_money_change

DEMO_PASSWORD = "tracker-demo"  # noqa: S105  (a published demo login, not a secret)
MANAGERS_GROUP = "Programme managers"
PROGRAMME_FILE = "Recorded from the programme file (demo data)."


class Command(BaseCommand):
    help = (
        "Load an ILLUSTRATIVE demo portfolio (invented figures, partly invented organisations) with demo "
        "logins manager, manager2, viewer and admin. Idempotent: existing records are left as they are."
    )

    def handle(self, *args, **options):
        manager, second_manager = ensure_users()
        seed = Seed(manager=manager, approver=second_manager, today=timezone.localdate(), **reference_data())
        seed.set_exchange_rates()
        seed.record_gdp()
        created = 0
        for spec in demo.AGREEMENTS:
            if not Agreement.objects.filter(reference=spec["reference"]).exists():
                seed.create_agreement(spec)
                created += 1
        if created:
            seed.propose_pending_changes()
        seed.add_contacts()
        seed.add_indicators()  # those added to the demo since a database was seeded
        # The alerts the daily evaluation would raise today (evaluating again raises nothing new).
        alerts = evaluate_alerts(actor=Actor(user=seed.manager), today=seed.today)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo portfolio ready ({created} agreements added, {Agreement.objects.count()} in all; "
                f"{alerts.holding} alerts open or handled)."
            )
        )
        self.stdout.write(
            f"Demo logins (password '{DEMO_PASSWORD}'): manager and manager2 (programme managers, who approve "
            "each other's money changes), viewer, admin."
        )


def ensure_users():
    """The demo logins; returns the two programme managers: one records the portfolio, the other approves its money."""
    User = get_user_model()
    managers, _ = Group.objects.get_or_create(name=MANAGERS_GROUP)
    managers.permissions.set(Permission.objects.filter(content_type__app_label="projects"))
    accounts = {
        "manager": {"is_staff": True, "first_name": "Olena", "last_name": "Demo"},
        "manager2": {"is_staff": True, "first_name": "Taras", "last_name": "Demo"},
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
    users["manager2"].groups.add(managers)
    return users["manager"], users["manager2"]


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
    """Writes the demo through the services, as the programme manager, with dates relative to today.

    Its money goes through four-eyes approval as any other: proposed by `manager`, approved by `approver`.
    """

    manager: object
    approver: object
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

    def record_gdp(self) -> None:
        """The donor countries' illustrative GDP for the last two full years."""
        for country, (currency, *figures) in demo.GDP.items():
            for year, gdp in zip((self.today.year - 2, self.today.year - 1), figures, strict=True):
                if not CountryEconomy.objects.filter(country=country, year=year).exists():
                    economies.record_country_economy(
                        actor=self.actor,
                        country=country,
                        year=year,
                        gdp=gdp,
                        currency=currency,
                        source=demo.GDP_SOURCE,
                        illustrative=True,
                    )

    def add_contacts(self) -> None:
        for slug, name, email in demo.CONTACTS:
            organization = self.organizations[slug]
            if not Contact.objects.filter(organization=organization, email=email).exists():
                add_contact(actor=self.actor, organization_id=organization.pk, name=name, email=email)

    def add_indicators(self, of_reference: str | None = None) -> None:
        """The illustrative indicators an agreement lacks (of one agreement, or of all), with their periods
        reported, verified and locked."""
        for reference, title, kind, unit, capability, responsible, baseline, target, periods in demo.INDICATORS:
            if of_reference not in (None, reference):
                continue
            agreement = Agreement.objects.get(reference=reference)
            if Indicator.objects.filter(agreement=agreement, title=title).exists():
                continue
            indicator = indicators.create_indicator(
                actor=self.actor,
                agreement_id=agreement.pk,
                title=title,
                kind=kind,
                unit=unit,
                capability=self.capabilities[capability],
                responsible=self.organizations[responsible],
                baseline=baseline,
                target=target,
            )
            for starts, ends, period_target, actual, state in periods:
                self.add_period(indicator, self.day(starts), self.day(ends), period_target, actual, state)

    def add_period(self, indicator: Indicator, starts_on: date, ends_on: date, target, actual, state: str) -> None:
        period = indicators.open_period(
            actor=self.actor, indicator_id=indicator.pk, starts_on=starts_on, ends_on=ends_on, target=target
        )
        if state == "open":
            return
        partner = Actor(organization=indicator.responsible)
        indicators.report_actual(actor=partner, period_id=period.pk, actual=actual, source=demo.ILLUSTRATIVE_SOURCE)
        if state in ("verified", "locked"):
            indicators.verify_period(actor=self.actor, period_id=period.pk)
        if state == "locked":
            indicators.lock_period(actor=self.actor, period_id=period.pk)

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
        self.add_indicators(agreement.reference)
        self.plan_tranches(agreement, spec.get("tranches", []))
        self.move_status(agreement, spec["path"])

    def plan_tranches(self, agreement: Agreement, planned: list) -> None:
        """Tranches of a commitment, each waiting on a milestone; released where that milestone is done."""
        for reference, amount, planned_on, milestone_title, release in planned:
            tranche = tranches.add_tranche(
                actor=self.actor,
                commitment_id=agreement.commitments.get(reference=reference).pk,
                amount=amount,
                planned_on=self.day(planned_on),
                milestone_id=agreement.milestones.get(title=milestone_title).pk,
            )
            if release:
                tranches.release_tranche(actor=self.actor, tranche_id=tranche.pk)

    def add_parties(self, agreement: Agreement, parties: list) -> None:
        for slug, role in parties:
            agreements.add_party(
                actor=self.actor, agreement_id=agreement.pk, organization_id=self.organizations[slug].pk, role=role
            )

    def approved(self, **proposal):
        """Write money as the programme office does: proposed by one manager, approved by the other."""
        submitted = submit_money_change(actor=self.actor, reason=PROGRAMME_FILE, **proposal)
        if submitted.change_request is None:
            return submitted.record
        applied = approve_change(actor=Actor(user=self.approver), change_request_id=submitted.change_request.pk)
        return applied.commitment or applied.disbursement

    def record_funding(self, agreement: Agreement, commitments: list) -> None:
        for funder, amount, currency, status, pledged, reference, payments in commitments:
            commitment = self.approved(
                target=ChangeTarget.COMMITMENT,
                operation=ChangeOperation.CREATE,
                agreement_id=agreement.pk,
                changes={
                    "funder_id": self.organizations[funder].pk,
                    "amount": amount,
                    "currency": currency,
                    "status": status,
                    "pledged_on": self.day(pledged),
                    "reference": reference,
                    "source": f"Programme file, {agreement.reference}",
                },
            )
            for number, (paid, paid_on) in enumerate(payments, start=1):
                self.approved(
                    target=ChangeTarget.DISBURSEMENT,
                    operation=ChangeOperation.CREATE,
                    changes={
                        "commitment_id": commitment.pk,
                        "amount": paid,
                        "disbursed_on": self.day(paid_on),
                        "reference": f"{reference}-T{number}",
                    },
                )

    def propose_pending_changes(self) -> None:
        """A few money changes waiting in the approvals queue: one for each manager to decide."""
        first = Agreement.objects.order_by("pk").first()
        propose_change(
            actor=Actor(user=self.approver),
            target=ChangeTarget.AGREEMENT_BUDGET,
            operation=ChangeOperation.CHANGE,
            agreement_id=first.pk,
            changes={"budget": first.budget + Decimal("2500000.00")},
            reason="Second assembly line approved by the steering committee (demo data).",
        )
        commitment = FundingCommitment.objects.filter(status=CommitmentStatus.COMMITTED).order_by("pk").first()
        paid = sum((d.amount for d in commitment.disbursements.all()), Decimal("0"))
        propose_change(
            actor=self.actor,
            target=ChangeTarget.DISBURSEMENT,
            operation=ChangeOperation.CREATE,
            changes={
                "commitment_id": commitment.pk,
                "amount": ((commitment.amount - paid) / 10).quantize(Decimal("0.01")),
                "disbursed_on": self.day(-2),
                "reference": f"{commitment.reference or commitment.pk}-PENDING",
                "source": "Bank advice (demo data)",
            },
            reason="Payment advice received from the funder (demo data).",
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
