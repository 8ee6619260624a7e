"""Status reports on agreements."""

from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from projects.actors import Actor
from projects.errors import DomainError, ErrorCode
from projects.models import Agreement, StatusReport
from projects.services.service import delete_checked, require_staff, save_validated, service
from projects.webhooks.choices import EventType
from projects.webhooks.events import emit


@service
def post_status_report(
    *,
    actor: Actor,
    agreement_id: int,
    reported_on: date,
    rag: str,
    summary: str,
    risks: str = "",
    next_steps: str = "",
) -> StatusReport:
    """Programme managers report on any agreement; a partner on agreements it is party to.

    A report speaks for the day it is dated, so it cannot be dated ahead: the latest report decides an
    agreement's RAG, and a future date would keep it there whatever is filed after.
    """
    agreement = Agreement.objects.get(pk=agreement_id)
    is_party = actor.is_partner and Agreement.objects.visible_to(actor).filter(pk=agreement.pk).exists()
    if not (actor.is_staff or is_party):
        raise DomainError(ErrorCode.PERMISSION_DENIED, _("Only parties to the agreement can report on it."))
    if isinstance(reported_on, date) and reported_on > timezone.localdate():
        raise DomainError(ErrorCode.INVALID, _("A status report cannot be dated in the future."), field="reported_on")
    report = StatusReport(
        agreement=agreement,
        author=actor.user,
        author_organization=actor.organization,
        reported_on=reported_on,
        rag=rag,
        summary=summary,
        risks=risks,
        next_steps=next_steps,
    )
    save_validated(report)
    emit(EventType.STATUS_REPORT_CREATED, report.pk)
    return report


@service
def delete_status_report(*, actor: Actor, report_id: int, expected_updated_at: datetime | None = None) -> None:
    require_staff(actor, "delete status reports")
    delete_checked(StatusReport, report_id, expected_updated_at)
