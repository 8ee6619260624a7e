"""An agreement's RAG is that of its latest report really filed: by the day reported on, then by filing order;
a report dated ahead cannot be filed, so it cannot pin the RAG."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.errors import DomainError
from projects.services.reports import post_status_report
from tests.factories import AgreementFactory


def test_lists_and_dashboard_show_the_rag_of_the_latest_report_filed(manager_client, staff):
    agreement = AgreementFactory()
    today = timezone.localdate()

    def report(reported_on, rag):
        post_status_report(actor=staff, agreement_id=agreement.pk, reported_on=reported_on, rag=rag, summary=rag)

    def shown() -> tuple[str, dict]:
        listed = manager_client.get(reverse("agreement-list")).context["rows"][0][0].latest_rag
        dashboard = manager_client.get(reverse("dashboard")).context["rag"]
        return listed, {row.rag: row.count for row in dashboard if row.count}

    report(today - datetime.timedelta(days=7), "red")
    with pytest.raises(DomainError):
        report(datetime.date(9999, 12, 31), "green")
    report(today, "amber")
    report(today - datetime.timedelta(days=1), "green")  # filed late, for yesterday
    assert shown() == ("amber", {"amber": 1})

    report(today, "red")  # a second report the same day, filed after the first
    assert shown() == ("red", {"red": 1})


def test_the_report_form_refuses_a_future_date_beside_the_field(manager_client):
    agreement = AgreementFactory()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = manager_client.post(
        reverse("report-create", args=[agreement.pk]),
        {"reported_on": tomorrow.isoformat(), "rag": "green", "summary": "All good."},
    )

    assert response.context["form"].errors == {"reported_on": ["A status report cannot be dated in the future."]}
    assert f'max="{timezone.localdate().isoformat()}"' in response.content.decode()
    assert not agreement.status_reports.exists()
