"""Root URLs: admin, the UI, the API and health checks."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("projects.web.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
]
