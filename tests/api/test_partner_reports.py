"""Partners report, they do not decide: through the API a partner moves its milestones forward and files
reports dated up to today; cancelling, blocking and reopening are refused."""

from django.urls import reverse

from projects.models import Milestone, StatusReport
from tests.api.conftest import bearer


def test_a_partner_moves_its_milestone_forward_but_cannot_cancel_block_or_reopen_it(alpha, token_for):
    client = bearer(token_for(organization=alpha.organization))
    own = reverse("api-milestone", args=[alpha.milestone.pk])

    for status in ("cancelled", "blocked"):
        refused = client.patch(own, {"status": status}, format="json")
        assert refused.status_code == 403 and refused["Content-Type"] == "application/problem+json"
    assert client.patch(own, {"status": "in_progress"}, format="json").status_code == 200
    assert client.patch(own, {"status": "done", "actual_quantity": 100}, format="json").status_code == 200
    assert client.patch(own, {"status": "in_progress"}, format="json").status_code == 403

    assert Milestone.objects.get(pk=alpha.milestone.pk).status == "done"


def test_a_partner_cannot_file_a_report_dated_ahead(alpha, token_for):
    client = bearer(token_for(organization=alpha.organization))
    before = StatusReport.objects.count()

    response = client.post(
        reverse("api-status-reports"),
        {"agreement": alpha.agreement.pk, "reported_on": "9999-12-31", "rag": "green", "summary": "All good."},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"reported_on": ["A status report cannot be dated in the future."]}
    assert StatusReport.objects.count() == before
