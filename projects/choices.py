"""Enumerations of the domain; their values are the API and database contract."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OrganizationKind(models.TextChoices):
    GOVERNMENT = "government", _("Government")
    MINISTRY = "ministry", _("Ministry")
    ARMED_FORCE = "armed_force", _("Armed force")
    COMPANY = "company", _("Company")
    INTERNATIONAL_BODY = "international_body", _("International body")
    NGO = "ngo", _("NGO")


class AgreementKind(models.TextChoices):
    CO_PRODUCTION = "co_production", _("Co-production")
    TRAINING = "training", _("Training")
    MAINTENANCE = "maintenance", _("Maintenance")
    TECHNOLOGY_TRANSFER = "technology_transfer", _("Technology transfer")
    JOINT_RND = "joint_rnd", _("Joint R&D")
    PROCUREMENT = "procurement", _("Procurement")


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    NEGOTIATING = "negotiating", _("Negotiating")
    SIGNED = "signed", _("Signed")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    COMPLETED = "completed", _("Completed")
    TERMINATED = "terminated", _("Terminated")


class PartyRole(models.TextChoices):
    LEAD = "lead", _("Lead")
    PRODUCER = "producer", _("Producer")
    TRAINER = "trainer", _("Trainer")
    RECIPIENT = "recipient", _("Recipient")
    FUNDER = "funder", _("Funder")
    SPONSOR = "sponsor", _("Sponsor")
    OBSERVER = "observer", _("Observer")


class CommitmentStatus(models.TextChoices):
    PLEDGED = "pledged", _("Pledged")
    COMMITTED = "committed", _("Committed")
    CANCELLED = "cancelled", _("Cancelled")


# The status moves each lifecycle allows; the services refuse every other move.
S = AgreementStatus
AGREEMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.NEGOTIATING, S.TERMINATED}),
    S.NEGOTIATING: frozenset({S.SIGNED, S.TERMINATED}),
    S.SIGNED: frozenset({S.ACTIVE, S.SUSPENDED, S.TERMINATED}),
    S.ACTIVE: frozenset({S.COMPLETED, S.SUSPENDED, S.TERMINATED}),
    S.SUSPENDED: frozenset({S.SIGNED, S.ACTIVE, S.TERMINATED}),
    S.COMPLETED: frozenset(),
    S.TERMINATED: frozenset(),
}
# Statuses in which an agreement has been signed, so its signing date must be known.
SIGNED_STATUSES = frozenset({S.SIGNED, S.ACTIVE, S.SUSPENDED, S.COMPLETED})
# A pledge becomes firm or is withdrawn; firm money can still be cancelled.
COMMITMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    CommitmentStatus.PLEDGED: frozenset({CommitmentStatus.COMMITTED, CommitmentStatus.CANCELLED}),
    CommitmentStatus.COMMITTED: frozenset({CommitmentStatus.CANCELLED}),
    CommitmentStatus.CANCELLED: frozenset(),
}
del S


class MilestoneStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    BLOCKED = "blocked", _("Blocked")
    CANCELLED = "cancelled", _("Cancelled")


# A milestone in one of these statuses is finished: it can no longer be overdue.
CLOSED_MILESTONE_STATUSES = frozenset({MilestoneStatus.DONE, MilestoneStatus.CANCELLED})


class Rag(models.TextChoices):
    GREEN = "green", _("Green")
    AMBER = "amber", _("Amber")
    RED = "red", _("Red")


class IndicatorKind(models.TextChoices):
    CAPACITY = "capacity", _("Capacity (units a year)")
    OUTPUT = "output", _("Output (units delivered)")


class PeriodState(models.TextChoices):
    OPEN = "open", _("Open")
    REPORTED = "reported", _("Reported")
    VERIFIED = "verified", _("Verified")
    LOCKED = "locked", _("Locked")


class ChangeTarget(models.TextChoices):
    """What a change request changes: the money records four-eyes approval guards."""

    COMMITMENT = "commitment", _("Funding commitment")
    DISBURSEMENT = "disbursement", _("Disbursement")
    AGREEMENT_BUDGET = "agreement_budget", _("Agreement budget")


class ChangeOperation(models.TextChoices):
    # Nouns (what a request does), unlike the buttons of the same English words.
    CREATE = "create", pgettext_lazy("change operation", "Create")
    CHANGE = "change", pgettext_lazy("change operation", "Change")
    DELETE = "delete", pgettext_lazy("change operation", "Delete")


class ChangeState(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPLIED = "applied", _("Approved and applied")
    REJECTED = "rejected", _("Rejected")
    FAILED = "failed", _("Failed at approval")
