"""URLs of the web UI; Django's other auth views come from tracker/urls.py."""

from django.contrib.auth import views as auth_views
from django.urls import path

from projects.web import (
    accounts,
    agreements,
    alerts,
    capacity,
    dashboard,
    donors,
    editing,
    exchange_rates,
    exports,
    imports,
    indicators,
    portfolio,
)

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/password_reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/reset/<uidb64>/<token>/", accounts.PasswordResetConfirmView.as_view(), name="password_reset_confirm"
    ),
    path("", dashboard.DashboardView.as_view(), name="dashboard"),
    path("portfolio/funding-by-<str:group_by>.csv", portfolio.FundingCsvView.as_view(), name="portfolio-funding-csv"),
    path("changes/", portfolio.ChangesView.as_view(), name="changes"),
    path("agreements/", agreements.AgreementListView.as_view(), name="agreement-list"),
    path("agreements/export.<str:file_type>", exports.AgreementExportView.as_view(), name="agreement-export"),
    path("agreements/new/", editing.AgreementCreateView.as_view(), name="agreement-create"),
    path("agreements/<int:pk>/", agreements.AgreementDetailView.as_view(), name="agreement"),
    path("agreements/<int:pk>/edit/", editing.AgreementEditView.as_view(), name="agreement-edit"),
    path("agreements/<int:pk>/status/", editing.TransitionView.as_view(), name="agreement-transition"),
    path("agreements/<int:pk>/parties/new/", editing.PartyAddView.as_view(), name="party-add"),
    path("agreements/<int:pk>/commitments/new/", editing.CommitmentCreateView.as_view(), name="commitment-create"),
    path(
        "agreements/<int:pk>/disbursements/new/", editing.DisbursementCreateView.as_view(), name="disbursement-create"
    ),
    path("agreements/<int:pk>/milestones/new/", editing.MilestoneCreateView.as_view(), name="milestone-create"),
    path("agreements/<int:pk>/reports/new/", editing.StatusReportCreateView.as_view(), name="report-create"),
    path("agreements/<int:pk>/indicators/new/", indicators.IndicatorCreateView.as_view(), name="indicator-create"),
    path("indicators/<int:pk>/periods/new/", indicators.PeriodOpenView.as_view(), name="period-open"),
    path("periods/<int:pk>/report/", indicators.PeriodReportView.as_view(), name="period-report"),
    path("periods/<int:pk>/verify/", indicators.PeriodVerifyView.as_view(), name="period-verify"),
    path("periods/<int:pk>/lock/", indicators.PeriodLockView.as_view(), name="period-lock"),
    path("periods/<int:pk>/unlock/", indicators.PeriodUnlockView.as_view(), name="period-unlock"),
    path("parties/<int:pk>/remove/", editing.PartyRemoveView.as_view(), name="party-remove"),
    path("commitments/<int:pk>/edit/", editing.CommitmentEditView.as_view(), name="commitment-edit"),
    path("milestones/<int:pk>/edit/", editing.MilestoneEditView.as_view(), name="milestone-edit"),
    path("milestones/<int:pk>/complete/", editing.MilestoneCompleteView.as_view(), name="milestone-complete"),
    path("import/<str:kind>/", imports.ImportView.as_view(), name="import"),
    path("import/<str:kind>/template.<str:file_type>", imports.ImportTemplateView.as_view(), name="import-template"),
    path("import/jobs/<int:pk>/", imports.ImportJobView.as_view(), name="import-job"),
    path("donors/", donors.DonorListView.as_view(), name="donor-list"),
    path("donors/donors.csv", donors.DonorListCsvView.as_view(), name="donor-list-csv"),
    path("donors/gdp/", donors.EconomyListView.as_view(), name="economy-list"),
    path("donors/gdp/new/", donors.EconomyCreateView.as_view(), name="economy-create"),
    path("donors/gdp/<int:pk>/edit/", donors.EconomyEditView.as_view(), name="economy-edit"),
    path("donors/gdp/<int:pk>/delete/", donors.EconomyDeleteView.as_view(), name="economy-delete"),
    path("donors/<str:kind>/<str:code>/", donors.DonorView.as_view(), name="donor"),
    path("donors/<str:kind>/<str:code>/<str:table>.csv", donors.DonorCsvView.as_view(), name="donor-csv"),
    path("portfolio/capacity/", capacity.CapacityView.as_view(), name="portfolio-capacity"),
    path("portfolio/capacity.csv", capacity.CapacityCsvView.as_view(), name="portfolio-capacity-csv"),
    path("alerts/rules/", alerts.AlertRulesView.as_view(), name="alert-rules"),
    path("alerts/rules/<int:pk>/edit/", alerts.AlertRuleEditView.as_view(), name="alert-rule-edit"),
    path("alerts/<int:pk>/acknowledge/", alerts.AlertAcknowledgeView.as_view(), name="alert-acknowledge"),
    path("alerts/<int:pk>/snooze/", alerts.AlertSnoozeView.as_view(), name="alert-snooze"),
    path("exchange-rates/", exchange_rates.ExchangeRatesView.as_view(), name="exchange-rates"),
    path("exchange-rates/new/", exchange_rates.ExchangeRateCreateView.as_view(), name="exchange-rate-create"),
    path("exchange-rates/<int:pk>/edit/", exchange_rates.ExchangeRateEditView.as_view(), name="exchange-rate-edit"),
]
