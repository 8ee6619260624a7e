"""Contacts, recipients' preferences, reminder rules and the delivery log that makes sending exactly-once."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from projects.models.base import FieldCheckConstraint, FieldUniqueConstraint, Timestamped, one_of


class DigestFrequency(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    OFF = "off", _("Off")


class DeliveryKind(models.TextChoices):
    REMINDER = "reminder", _("Milestone reminder")
    DIGEST = "digest", _("Status digest")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    SKIPPED = "skipped", _("Skipped")
    EXPIRED = "expired", _("Expired")


class ReminderRuleKind(models.TextChoices):
    BEFORE_DUE = "before_due", _("Days before the due date")
    OVERDUE = "overdue", _("Repeat while overdue, every N days")


class Contact(Timestamped):
    """A person at an organisation who hears about its agreements by e-mail; contacts have no login."""

    organization = models.ForeignKey(
        "projects.Organization", on_delete=models.CASCADE, related_name="contacts", verbose_name=_("organisation")
    )
    name = models.CharField(max_length=200, verbose_name=_("name"))
    email = models.EmailField(verbose_name=_("email"))

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["organization", "name"]
        constraints = [
            FieldUniqueConstraint(
                fields=["organization", "email"],
                name="contact_email_unique_per_organization",
                field="email",
                violation_error_code="duplicate",
                violation_error_message=_("This organisation already has a contact with this e-mail address."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}> ({self.organization})"


class Recipient(models.Model):
    """One addressee (a user or a contact) and what they chose to receive."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notification_prefs",
        verbose_name=_("user"),
    )
    contact = models.OneToOneField(
        Contact, null=True, blank=True, on_delete=models.CASCADE, related_name="recipient", verbose_name=_("contact")
    )
    digest_frequency = models.CharField(
        max_length=8,
        choices=DigestFrequency.choices,
        default=DigestFrequency.WEEKLY,
        verbose_name=_("digest frequency"),
    )
    reminders_enabled = models.BooleanField(default=True, verbose_name=_("reminders enabled"))
    # A user's interface language too; blank until chosen (then e-mails go out in the site's language).
    language = models.CharField(
        _("language"),
        max_length=8,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_("The language of the e-mails, and of the pages for a user."),
    )

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, contact__isnull=True) | Q(user__isnull=True, contact__isnull=False),
                name="recipient_is_user_or_contact",
                violation_error_code="invalid",
                violation_error_message=_("A recipient is either a user or a contact."),
            ),
            one_of(
                "digest_frequency",
                DigestFrequency,
                name="recipient_digest_frequency_valid",
                message=_("Choose daily, weekly or off."),
            ),
            FieldCheckConstraint(
                condition=Q(language__in=["", *(code for code, _name in settings.LANGUAGES)]),
                name="recipient_language_known",
                field="language",
                violation_error_code="constraint",
                violation_error_message=_("Choose one of the languages the tracker speaks."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    @property
    def name(self) -> str:
        if self.contact_id:
            return self.contact.name
        return self.user.get_full_name() or self.user.get_username()

    @property
    def email(self) -> str:
        return self.contact.email if self.contact_id else self.user.email


class ReminderRule(models.Model):
    """When milestone reminders go out: N days before the due date (0 = on it), or every N days while overdue."""

    kind = models.CharField(max_length=16, choices=ReminderRuleKind.choices, verbose_name=_("kind"))
    days = models.PositiveSmallIntegerField(verbose_name=_("days"))
    active = models.BooleanField(default=True, verbose_name=_("active"))

    class Meta:
        verbose_name = _("reminder rule")
        verbose_name_plural = _("reminder rules")
        ordering = ["kind", "-days"]
        constraints = [
            FieldUniqueConstraint(
                fields=["kind", "days"],
                name="reminder_rule_unique",
                field="days",
                violation_error_code="duplicate",
                violation_error_message=_("A reminder rule of this kind already fires on this number of days."),
            ),
            FieldCheckConstraint(
                condition=Q(kind=ReminderRuleKind.BEFORE_DUE) | Q(days__gt=0),
                name="reminder_rule_overdue_interval_positive",
                field="days",
                violation_error_code="constraint",
                violation_error_message=_("An overdue reminder repeats every one day or more."),
            ),
        ]

    def __str__(self) -> str:
        if self.kind == ReminderRuleKind.OVERDUE:
            return ngettext("every day while overdue", "every %(days)d days while overdue", self.days) % {
                "days": self.days
            }
        if self.days == 0:
            return gettext("on the due date")
        return ngettext("%(days)d day before the due date", "%(days)d days before the due date", self.days) % {
            "days": self.days
        }


class Delivery(models.Model):
    """One message owed to one recipient: a day's milestone reminders, or a period's digest.

    The unique keys make a second send impossible: one reminder message per recipient per day (listing
    every milestone a rule points at that day, see `RemindedMilestone`), one digest per recipient,
    frequency and period (keyed by its first day). A row is written `pending` when planned and turns
    `sent` in the same transaction that hands the message to the mail server.
    """

    recipient = models.ForeignKey(
        Recipient, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("recipient")
    )
    kind = models.CharField(max_length=8, choices=DeliveryKind.choices, verbose_name=_("kind"))
    period = models.CharField(
        max_length=16, blank=True, help_text=_("A digest's frequency; blank for reminders."), verbose_name=_("period")
    )
    on_date = models.DateField(
        help_text=_("Reminders: the day the rules fire. Digest: the first day of its period."),
        verbose_name=_("on date"),
    )
    status = models.CharField(
        max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING, verbose_name=_("status")
    )
    subject = models.CharField(max_length=250, blank=True, verbose_name=_("subject"))
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("attempts"))
    last_error = models.TextField(blank=True, verbose_name=_("last error"))
    created_at = models.DateTimeField(auto_now_add=True, db_index=True, verbose_name=_("created at"))
    sent_at = models.DateTimeField(null=True, blank=True, verbose_name=_("sent at"))

    class Meta:
        verbose_name = _("delivery")
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = _("deliveries")
        indexes = [models.Index(fields=["status", "kind", "created_at"], name="delivery_pending_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "on_date"],
                condition=Q(kind=DeliveryKind.REMINDER),
                name="delivery_reminders_once_a_day",
                violation_error_code="duplicate",
                violation_error_message=_("This recipient's reminders of that day are already planned."),
            ),
            models.UniqueConstraint(
                fields=["recipient", "period", "on_date"],
                condition=Q(kind=DeliveryKind.DIGEST),
                name="delivery_digest_once_per_period",
                violation_error_code="duplicate",
                violation_error_message=_("This recipient's digest of that period is already planned."),
            ),
            models.CheckConstraint(
                condition=Q(kind=DeliveryKind.REMINDER, period="")
                | Q(kind=DeliveryKind.DIGEST, period__in=[DigestFrequency.DAILY, DigestFrequency.WEEKLY]),
                name="delivery_period_matches_kind",
                violation_error_code="invalid",
                violation_error_message=_("A digest is daily or weekly; reminders have no period."),
            ),
            models.CheckConstraint(
                condition=Q(status=DeliveryStatus.SENT, sent_at__isnull=False)
                | (~Q(status=DeliveryStatus.SENT) & Q(sent_at__isnull=True)),
                name="delivery_sent_at_iff_sent",
                violation_error_code="invalid",
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(kind)s for recipient %(recipient)s on %(day)s (%(status)s)") % {
            "kind": self.get_kind_display(),
            "recipient": self.recipient_id,
            "day": date_format(self.on_date),
            "status": self.get_status_display(),
        }


class RemindedMilestone(models.Model):
    """One milestone listed in a reminder message, with the due date and the rule that put it there."""

    delivery = models.ForeignKey(
        Delivery, on_delete=models.CASCADE, related_name="reminded", verbose_name=_("delivery")
    )
    milestone = models.ForeignKey(
        "projects.Milestone", on_delete=models.CASCADE, related_name="reminders", verbose_name=_("milestone")
    )
    due_on = models.DateField(help_text=_("The milestone's due date the reminder is about."), verbose_name=_("due on"))
    rule = models.CharField(
        max_length=16, help_text=_("The reminder rule that fired, e.g. before:7 or overdue:14."), verbose_name=_("rule")
    )

    class Meta:
        verbose_name = _("reminded milestone")
        verbose_name_plural = _("reminded milestones")
        ordering = ["due_on", "milestone_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["delivery", "milestone", "due_on"],
                name="reminded_milestone_once_per_message",
                violation_error_code="duplicate",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.milestone_id} due {self.due_on} ({self.rule})"
