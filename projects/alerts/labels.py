"""What an alert is about, in its reader's language: composed when shown from the facts stored as raised.

The daily evaluation stores data only (names, amounts, dates, codes), so the dashboard, the admin and
each digest word the same alert in their reader's language, with that language's numbers and dates,
and without reading the subject again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from django.utils.formats import date_format, number_format

from projects.choices import ChangeOperation, ChangeTarget
from projects.models.base import in_language_of_page


def commitment(facts: dict) -> str:
    amount = number_format(Decimal(facts["amount"]), decimal_pos=2, force_grouping=True)
    return f"{in_language_of_page(facts['funder'], facts['funder_uk'])}: {amount} {facts['currency']}"


def agreement(facts: dict) -> str:
    return f"{facts['reference']} {in_language_of_page(facts['title'], facts['title_uk'])}"


def milestone(facts: dict) -> str:
    return facts["title"]


def period(facts: dict) -> str:
    starts_on, ends_on = (date_format(date.fromisoformat(facts[key])) for key in ("starts_on", "ends_on"))
    return f"{facts['indicator']}: {starts_on} – {ends_on}"


def change_request(facts: dict) -> str:
    operation, target = ChangeOperation(facts["operation"]).label, ChangeTarget(facts["target"]).label
    return f"#{facts['number']} {operation} {target}: {facts['reason']}"


# By `AlertKind` value (the model reads its label from here, so this module does not import it).
LABELS: dict[str, Callable[[dict], str]] = {
    "undisbursed_commitment": commitment,
    "missing_status_report": agreement,
    "overdue_milestone": milestone,
    "period_without_actual": period,
    "waiting_change_request": change_request,
}


def subject_label(kind: str, facts: dict) -> str:
    """`facts` as the rule stored them; an alert raised before facts were stored keeps its words as raised."""
    if "label" in facts:
        return facts["label"]
    return LABELS[kind](facts)
