"""URLs of the web UI; Django's other auth views come from tracker/urls.py."""

from django.contrib.auth import views as auth_views
from django.urls import path

from projects.web import accounts, agreements, dashboard, editing, exchange_rates, exports, imports, language

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/password_reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/reset/<uidb64>/<token>/", accounts.PasswordResetConfirmView.as_view(), name="password_reset_confirm"
    ),
    path("language/", language.choose_language, name="set_language"),
    path("", dashboard.DashboardView.as_view(), name="dashboard"),
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
    path("parties/<int:pk>/remove/", editing.PartyRemoveView.as_view(), name="party-remove"),
    path("commitments/<int:pk>/edit/", editing.CommitmentEditView.as_view(), name="commitment-edit"),
    path("milestones/<int:pk>/edit/", editing.MilestoneEditView.as_view(), name="milestone-edit"),
    path("milestones/<int:pk>/complete/", editing.MilestoneCompleteView.as_view(), name="milestone-complete"),
    path("import/<str:kind>/", imports.ImportView.as_view(), name="import"),
    path("import/<str:kind>/template.<str:file_type>", imports.ImportTemplateView.as_view(), name="import-template"),
    path("import/jobs/<int:pk>/", imports.ImportJobView.as_view(), name="import-job"),
    path("exchange-rates/", exchange_rates.ExchangeRatesView.as_view(), name="exchange-rates"),
    path("exchange-rates/new/", exchange_rates.ExchangeRateCreateView.as_view(), name="exchange-rate-create"),
    path("exchange-rates/<int:pk>/edit/", exchange_rates.ExchangeRateEditView.as_view(), name="exchange-rate-edit"),
]
