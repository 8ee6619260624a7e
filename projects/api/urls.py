"""Routes of /api/v1/: resources, their schema and the interactive docs."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from projects.api.problems import unknown_route
from projects.api.views import (
    agreements,
    capacity,
    change_requests,
    donors,
    funding,
    iati,
    indicators,
    milestones,
    organizations,
    portfolio_funding,
    reports,
    webhooks,
)

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file: the Content-Security-Policy allows no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("organizations/", organizations.OrganizationList.as_view(), name="api-organizations"),
    path("organizations/<int:pk>/", organizations.OrganizationDetail.as_view(), name="api-organization"),
    path("capabilities/", organizations.CapabilityList.as_view(), name="api-capabilities"),
    path("capabilities/<int:pk>/", organizations.CapabilityDetail.as_view(), name="api-capability"),
    path("agreements/", agreements.AgreementList.as_view(), name="api-agreements"),
    path("agreements/<int:pk>/", agreements.AgreementDetail.as_view(), name="api-agreement"),
    path("agreements/<int:pk>/transition/", agreements.AgreementTransition.as_view(), name="api-agreement-transition"),
    path("agreements/<int:pk>/parties/", agreements.AgreementParties.as_view(), name="api-agreement-parties"),
    path(
        "agreements/<int:pk>/parties/<int:party_pk>/",
        agreements.AgreementPartyDetail.as_view(),
        name="api-agreement-party",
    ),
    path(
        "agreements/<int:pk>/funding-summary/",
        agreements.AgreementFundingSummary.as_view(),
        name="api-agreement-funding-summary",
    ),
    path("agreements/<int:pk>/history/", agreements.AgreementHistory.as_view(), name="api-agreement-history"),
    path("commitments/", funding.CommitmentList.as_view(), name="api-commitments"),
    path("commitments/<int:pk>/", funding.CommitmentDetail.as_view(), name="api-commitment"),
    path("disbursements/", funding.DisbursementList.as_view(), name="api-disbursements"),
    path("disbursements/<int:pk>/", funding.DisbursementDetail.as_view(), name="api-disbursement"),
    path("change-requests/", change_requests.ChangeRequestList.as_view(), name="api-change-requests"),
    path("change-requests/<int:pk>/", change_requests.ChangeRequestDetail.as_view(), name="api-change-request"),
    path(
        "change-requests/<int:pk>/approve/",
        change_requests.ChangeRequestApprove.as_view(),
        name="api-change-request-approve",
    ),
    path(
        "change-requests/<int:pk>/reject/",
        change_requests.ChangeRequestReject.as_view(),
        name="api-change-request-reject",
    ),
    path("milestones/", milestones.MilestoneList.as_view(), name="api-milestones"),
    path("milestones/<int:pk>/", milestones.MilestoneDetail.as_view(), name="api-milestone"),
    path("indicators/", indicators.IndicatorList.as_view(), name="api-indicators"),
    path("indicators/<int:pk>/", indicators.IndicatorDetail.as_view(), name="api-indicator"),
    path("indicator-periods/", indicators.IndicatorPeriodList.as_view(), name="api-indicator-periods"),
    path("indicator-periods/<int:pk>/", indicators.IndicatorPeriodDetail.as_view(), name="api-indicator-period"),
    path("indicator-periods/<int:pk>/report/", indicators.PeriodReport.as_view(), name="api-indicator-period-report"),
    path("indicator-periods/<int:pk>/verify/", indicators.PeriodVerify.as_view(), name="api-indicator-period-verify"),
    path("indicator-periods/<int:pk>/lock/", indicators.PeriodLock.as_view(), name="api-indicator-period-lock"),
    path("indicator-periods/<int:pk>/unlock/", indicators.PeriodUnlock.as_view(), name="api-indicator-period-unlock"),
    path("portfolio/capacity/", capacity.PortfolioCapacity.as_view(), name="api-portfolio-capacity"),
    path("status-reports/", reports.StatusReportList.as_view(), name="api-status-reports"),
    path("status-reports/<int:pk>/", reports.StatusReportDetail.as_view(), name="api-status-report"),
    path("webhooks/", webhooks.EndpointList.as_view(), name="api-webhooks"),
    path("webhooks/<int:pk>/", webhooks.EndpointDetail.as_view(), name="api-webhook"),
    path(
        "webhooks/<int:pk>/rotate-secret/",
        webhooks.EndpointRotateSecret.as_view(),
        name="api-webhook-rotate-secret",
    ),
    path("webhooks/<int:pk>/deliveries/", webhooks.EndpointDeliveries.as_view(), name="api-webhook-deliveries"),
    path(
        "webhooks/<int:pk>/deliveries/<int:delivery_pk>/replay/",
        webhooks.DeliveryReplay.as_view(),
        name="api-webhook-delivery-replay",
    ),
    path("webhooks/<int:pk>/replay/", webhooks.EndpointReplay.as_view(), name="api-webhook-replay"),
    path("portfolio/donors/", donors.DonorShares.as_view(), name="api-portfolio-donors"),
    path("portfolio/funding/", portfolio_funding.PortfolioFunding.as_view(), name="api-portfolio-funding"),
    path("iati/activities.xml", iati.IatiActivities.as_view(), name="api-iati-activities"),
    re_path(r"", unknown_route, name="api-unknown"),
]
