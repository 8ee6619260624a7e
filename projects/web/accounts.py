"""Sign-in and password reset pages; the failure limit itself sits in the authentication backend."""

from django.conf import settings
from django.contrib.auth import views as auth_views


class PasswordResetView(auth_views.PasswordResetView):
    """Reset links point at `SITE_URL`: the request's Host header is the sender's to forge."""

    @property
    def extra_email_context(self):
        return {"site_url": settings.SITE_URL}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Setting a new password signs the holder in: the way past a sign-in pause for the real owner."""

    post_reset_login = True
