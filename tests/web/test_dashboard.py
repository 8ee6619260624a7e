"""The dashboard shows the demo portfolio's real figures, charts with text alternatives, and what is late."""

import re
from datetime import timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from projects.changelog import recent_changes
from projects.choices import AgreementStatus
from projects.models import Agreement, ExchangeRate, Milestone
from projects.selectors import portfolio_funding
from projects.services.agreements import create_agreement, transition_agreement
from projects.services.funding import verify_commitment
from projects.services.reports import post_status_report
from projects.web.templatetags.figures import money, percent
from tests.factories import AgreementFactory, CommitmentFactory, ExchangeRateFactory


def figure(html: str, name: str) -> str:
    """A figure's text as read, its currency (set smaller in a span of its own) included."""
    start = html.index(f'data-figure="{name}">') + len(f'data-figure="{name}">')
    currency, amount = re.match(r'(?:<span class="currency">([A-Z]{3})</span>)?([^<]*)', html[start:]).groups()
    return f"{currency} {amount.strip()}" if currency else amount.strip()


def test_dashboard_totals_are_the_selectors_figures_of_the_demo_portfolio(demo_manager_client):
    html = demo_manager_client.get(reverse("dashboard")).content.decode()
    live = Agreement.objects.exclude(status=AgreementStatus.TERMINATED)
    total = portfolio_funding(live).total
    assert total.budget > total.committed > total.disbursed > 0
    for name, value in [
        ("budget", total.budget),
        ("pledged", total.pledged),
        ("committed", total.committed),
        ("disbursed", total.disbursed),
        ("gap", total.gap),
    ]:
        assert figure(html, name) == f"EUR {money(value)}"
    assert figure(html, "unfunded") == percent(total.unfunded_share)


def test_dashboard_lists_late_and_soon_due_milestones_and_rag_counts(demo_manager_client):
    response = demo_manager_client.get(reverse("dashboard"))
    html = response.content.decode()
    today = timezone.localdate()
    overdue = Milestone.objects.overdue(today).exclude(agreement__status=AgreementStatus.TERMINATED)
    assert overdue.exists()
    assert figure(html, "overdue-count") == str(overdue.count())
    for milestone in overdue[:10]:
        assert milestone.title in html
    due_soon = Milestone.objects.open().filter(due_on__range=(today, today + timedelta(days=30)))
    assert figure(html, "due-soon-count") == str(due_soon.exclude(agreement__status="terminated").count())
    latest = {}
    for agreement in Agreement.objects.exclude(status="terminated").prefetch_related("status_reports"):
        reports = sorted(agreement.status_reports.all(), key=lambda r: (r.reported_on, r.pk))
        latest[agreement.pk] = reports[-1].rag if reports else "none"
    counts = {rag.rag: rag.count for rag in response.context["rag"]}
    assert counts == {rag: list(latest.values()).count(rag) for rag in ["green", "amber", "red", "none"]}


def test_charts_are_svg_with_a_table_of_the_same_figures(demo_manager_client):
    response = demo_manager_client.get(reverse("dashboard"))
    html = response.content.decode()
    assert html.count('<svg role="img"') == 3  # gap by capability, funding by country, money by month
    by_capability = response.context["funding"].by_capability
    assert "Strike drones" in by_capability
    strike = by_capability["Strike drones"]
    row = html[html.index('<th scope="row">Strike drones</th>') :].split("</tr>")[0]
    assert money(strike.committed) in row
    assert "Funding by funder country" in html


def test_an_agreement_without_a_rate_is_named_and_left_out_while_the_others_are_counted(manager_client):
    ExchangeRateFactory(currency="GBP", rate=Decimal("1.20"))
    AgreementFactory(reference="UA-GB-2026-001", currency="GBP", budget=Decimal("1000.00"))  # EUR 1,200
    counted = AgreementFactory(reference="UA-DK-2026-002", budget=Decimal("500.00"))
    CommitmentFactory(agreement=counted, amount=Decimal("100.00"))
    in_zloty = AgreementFactory(reference="UA-PL-2026-003", budget=Decimal("9000.00"))
    CommitmentFactory(agreement=in_zloty, currency="PLN", amount=Decimal("4000.00"))
    assert not ExchangeRate.objects.filter(currency="PLN").exists()

    html = manager_client.get(reverse("dashboard")).content.decode()

    assert (figure(html, "budget"), figure(html, "committed"), figure(html, "gap")) == (
        "EUR 1,700",
        "EUR 100",
        "EUR 1,600",
    )
    assert "2 agreements (terminated ones excluded)" in html
    left_out = html[html.index('data-figure="unvalued"') :].split("</div>")[0]
    assert "UA-PL-2026-003</a> (no rate for PLN)" in left_out
    assert "UA-GB-2026-001" not in left_out and "UA-DK-2026-002" not in left_out


def test_recent_changes_say_who_changed_what(demo_manager_client):
    html = demo_manager_client.get(reverse("dashboard")).content.decode()
    assert "Recent changes" in html
    assert "<strong>manager</strong> changed Agreement" in html


def test_the_oldest_recent_change_still_shows_what_changed(db, staff):
    ExchangeRateFactory(currency="GBP")
    other = AgreementFactory()
    agreement = create_agreement(
        actor=staff,
        reference="UA-GB-2026-001",
        title="Maintenance training",
        kind="training",
        currency="GBP",
        budget=Decimal("1000.00"),
    )
    transition_agreement(actor=staff, agreement_id=agreement.pk, to_status="negotiating", reason="Talks opened")
    for day in range(11):
        post_status_report(
            actor=staff,
            agreement_id=other.pk,
            reported_on=timezone.localdate() - timedelta(days=day),
            rag="green",
            summary="On track.",
        )

    changes = recent_changes(limit=12)

    oldest = changes[-1]
    assert (oldest.subject, oldest.reason) == ("Agreement UA-GB-2026-001", "Talks opened")
    assert [(f.field, f.old, f.new) for f in oldest.fields] == [("status", "Draft", "Negotiating")]


def test_dashboard_shows_all_figures_or_verified_ones_only_and_says_which(manager_client, staff):
    ExchangeRateFactory(currency="EUR", rate=Decimal("1"))
    agreement = AgreementFactory(budget=Decimal("1000.00"), currency="EUR")
    checked = CommitmentFactory(agreement=agreement, amount=Decimal("300.00"), currency="EUR")
    CommitmentFactory(agreement=agreement, amount=Decimal("200.00"), currency="EUR")
    verify_commitment(actor=staff, commitment_id=checked.pk)

    everything = manager_client.get(reverse("dashboard")).content.decode()
    verified = manager_client.get(reverse("dashboard") + "?figures=verified").content.decode()

    assert figure(everything, "committed") == "EUR 500"
    assert "Showing all reported figures, verified or not." in everything
    assert figure(verified, "committed") == "EUR 300" and figure(verified, "budget") == "EUR 1,000"
    assert "Showing verified commitments and disbursements only (budgets in full)." in verified
    # the largest gaps too: 1,000 − 500 of all figures, 1,000 − 300 verified
    row = rf'data-gap-row="{agreement.reference}">.*?<td class="num">([^<]*)<'
    assert re.search(row, everything).group(1) == "500" and re.search(row, verified).group(1) == "700"
