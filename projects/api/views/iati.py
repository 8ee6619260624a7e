"""The portfolio as IATI 2.03 activities: programme managers get every agreement, a partner its own."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, renderers
from rest_framework.response import Response

from projects.actors import actor_of
from projects.api.rendering import FastJSONRenderer
from projects.iati.activities import activities_document
from projects.models import Agreement


class IatiXmlRenderer(renderers.BaseRenderer):
    media_type = "application/xml"
    format = "xml"
    charset = None  # the document declares its own encoding (UTF-8)

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class IatiActivities(generics.GenericAPIView):
    """Every agreement you may see as an `iati-activity` of an IATI 2.03 `iati-activities` document (valid
    against the IATI schema): participating organisations and their roles, capabilities as sectors
    (vocabulary 99), the budget, planned and actual dates, firm commitments (transaction type 2) and
    disbursements (type 3), and counted milestones as output results. Programme managers get the whole
    portfolio, a partner the agreements its organisation is party to. Errors are problem details in JSON."""

    renderer_classes = [IatiXmlRenderer]
    pagination_class = None
    filter_backends = []

    @extend_schema(
        summary="Export activities as IATI 2.03 XML",
        responses={(200, "application/xml"): OpenApiResponse(response=str, description="An iati-activities document.")},
    )
    def get(self, request):
        return Response(activities_document(Agreement.objects.visible_to(actor_of(request))))

    def handle_exception(self, exc):
        """Problems are JSON, whatever format the document itself is in."""
        self.request.accepted_renderer = FastJSONRenderer()
        self.request.accepted_media_type = "application/json"
        return super().handle_exception(exc)
