"""What webhooks can tell: the event types (their values are the `type` of each event) and delivery states.

The values are the contract and stay English; the labels are for people, in their language.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventType(models.TextChoices):
    AGREEMENT_UPDATED = "agreement.updated", _("An agreement's terms or parties changed")
    AGREEMENT_STATUS_CHANGED = "agreement.status_changed", _("An agreement moved along its lifecycle")
    MILESTONE_UPDATED = "milestone.updated", _("A milestone's plan or progress changed")
    MILESTONE_OVERDUE = "milestone.overdue", _("A milestone passed its due date unfinished")
    COMMITMENT_CREATED = "commitment.created", _("A funding pledge or commitment was recorded")
    COMMITMENT_UPDATED = "commitment.updated", _("A funding commitment's terms or status changed")
    DISBURSEMENT_CREATED = "disbursement.created", _("A disbursement was recorded")
    STATUS_REPORT_CREATED = "status_report.created", _("A status report was posted")
    INDICATOR_PERIOD_UPDATED = (
        "indicator_period.updated",
        _("An indicator period was opened, changed, reported on, verified or (un)locked"),
    )
    CHANGE_REQUEST_CREATED = "change_request.created", _("A money change was proposed for approval")
    CHANGE_REQUEST_DECIDED = "change_request.decided", _("A proposed money change was applied, rejected or failed")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class AttemptError(models.TextChoices):
    """Why an attempt got no answer; its data (the refusal, the exception's text) is kept beside the code."""

    REFUSED = "refused", _("Address refused")
    NO_ANSWER = "no_answer", _("No answer")


class DisabledWhy(models.TextChoices):
    """Why an endpoint was switched off; the words are chosen when read, in the reader's language."""

    FAILING = "failing", _("Every delivery failed for days")
    SWITCHED_OFF = "switched_off", _("Switched off by its owner or a programme manager")
    STATED = "stated", _("A reason was given")
