"""Root URLs: admin, the UI, the API and health checks."""

from django.contrib import admin
from django.urls import include, path

from projects.api import health

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("projects.web.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
]
urlpatterns += [
    path("api/v1/", include("projects.api.urls")),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]
