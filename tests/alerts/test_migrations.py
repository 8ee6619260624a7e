"""The migration to alert facts reads the stored labels back into facts, keeping what each said as raised."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from tests.factories import AgreementFactory, ChangeRequestFactory, CommitmentFactory, OrganizationFactory
from tests.migrating import migrate, migrate_to_latest

BEFORE = [("alerts", "0003_period_and_change_request_rules")]
AFTER = [("alerts", "0004_subject_facts_worded_when_read")]


@pytest.mark.django_db(transaction=True)
def test_stored_labels_become_facts_and_back():
    agreement = AgreementFactory(reference="UA-GB-2026-007", title="Shells", title_uk="Снаряди")
    funder = OrganizationFactory(name="Ministry of Defence", name_uk="Міністерство оборони")
    commitment = CommitmentFactory(agreement=agreement, funder=funder)
    request = ChangeRequestFactory(agreement=agreement)
    try:
        old = migrate(BEFORE)
        Alert = old.get_model("alerts", "Alert")

        def alert(kind: str, subject, label: str):
            return Alert.objects.create(
                kind=kind,
                occurrence=f"{kind}:{subject.pk}",
                agreement_id=agreement.pk,
                subject_type_id=ContentType.objects.get_for_model(subject).pk,
                subject_id=subject.pk,
                subject_label=label,
                since=datetime.date(2026, 11, 1),
                raised_at=timezone.now(),
            )

        labels = {
            "undisbursed_commitment": (commitment, "Ministry of Defence: 250,000.00 EUR"),
            "missing_status_report": (agreement, "UA-GB-2026-007 Shells"),
            "waiting_change_request": (request, f"#{request.pk} Зміна Бюджет угоди: A second production line"),
            "period_without_actual": (agreement, "Line 2 capacity: 2026-08-19 – 2026-11-19"),
            "overdue_milestone": (agreement, "Line acceptance"),
        }
        ids = {kind: alert(kind, subject, label).pk for kind, (subject, label) in labels.items()}

        facts = dict(migrate(AFTER).get_model("alerts", "Alert").objects.values_list("kind", "subject_facts"))
        assert facts == {
            "undisbursed_commitment": {
                "funder": "Ministry of Defence",
                "funder_uk": "Міністерство оборони",
                "amount": "250000.00",
                "currency": "EUR",
            },
            "missing_status_report": {"reference": "UA-GB-2026-007", "title": "Shells", "title_uk": "Снаряди"},
            "waiting_change_request": {
                "number": request.pk,
                "operation": "change",
                "target": "agreement_budget",
                "reason": "A second production line",
            },
            "period_without_actual": {
                "indicator": "Line 2 capacity",
                "starts_on": "2026-08-19",
                "ends_on": "2026-11-19",
            },
            "overdue_milestone": {"title": "Line acceptance"},
        }

        back = migrate(BEFORE).get_model("alerts", "Alert").objects
        assert back.get(pk=ids["undisbursed_commitment"]).subject_label == "Ministry of Defence: 250,000.00 EUR"
        assert back.get(pk=ids["waiting_change_request"]).subject_label == (
            f"#{request.pk} Change Agreement budget: A second production line"
        )
    finally:
        migrate_to_latest()
