"""Routes of /api/v1/: resources, their schema and the interactive docs."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from projects.api import views
from projects.api.problems import unknown_route

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file: the Content-Security-Policy allows no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("organizations/", views.OrganizationList.as_view(), name="api-organizations"),
    path("organizations/<int:pk>/", views.OrganizationDetail.as_view(), name="api-organization"),
    path("capabilities/", views.CapabilityList.as_view(), name="api-capabilities"),
    path("capabilities/<int:pk>/", views.CapabilityDetail.as_view(), name="api-capability"),
    path("agreements/", views.AgreementList.as_view(), name="api-agreements"),
    path("agreements/<int:pk>/", views.AgreementDetail.as_view(), name="api-agreement"),
    path("agreements/<int:pk>/transition/", views.AgreementTransition.as_view(), name="api-agreement-transition"),
    path("agreements/<int:pk>/parties/", views.AgreementParties.as_view(), name="api-agreement-parties"),
    path(
        "agreements/<int:pk>/parties/<int:party_pk>/",
        views.AgreementPartyDetail.as_view(),
        name="api-agreement-party",
    ),
    path(
        "agreements/<int:pk>/funding-summary/",
        views.AgreementFundingSummary.as_view(),
        name="api-agreement-funding-summary",
    ),
    path("agreements/<int:pk>/history/", views.AgreementHistory.as_view(), name="api-agreement-history"),
    path("commitments/", views.CommitmentList.as_view(), name="api-commitments"),
    path("commitments/<int:pk>/", views.CommitmentDetail.as_view(), name="api-commitment"),
    path("disbursements/", views.DisbursementList.as_view(), name="api-disbursements"),
    path("disbursements/<int:pk>/", views.DisbursementDetail.as_view(), name="api-disbursement"),
    path("milestones/", views.MilestoneList.as_view(), name="api-milestones"),
    path("milestones/<int:pk>/", views.MilestoneDetail.as_view(), name="api-milestone"),
    path("status-reports/", views.StatusReportList.as_view(), name="api-status-reports"),
    path("status-reports/<int:pk>/", views.StatusReportDetail.as_view(), name="api-status-report"),
    re_path(r"", unknown_route, name="api-unknown"),
]
