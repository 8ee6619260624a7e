"""Digest preview for staff (mounted at /digests/)."""

from django.urls import path

from projects.notifications import views

app_name = "digests"
urlpatterns = [
    path("preview/<int:recipient_id>/", views.digest_preview, name="preview"),
]
