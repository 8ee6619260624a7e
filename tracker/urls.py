"""Root URLs: admin, the UI, the API and health checks."""

from django.contrib import admin
from django.urls import include, path

from projects.api import health
from projects.notifications import views as notification_views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("projects.web.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("digests/", include("projects.notifications.urls")),
    path("unsubscribe/<str:token>/", notification_views.unsubscribe, name="unsubscribe"),
    path("api/v1/", include("projects.api.urls")),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]
