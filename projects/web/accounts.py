"""Sign-in and password reset pages; the failure limit itself sits in the authentication backend."""

from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.utils.translation import gettext_lazy as _

from projects.notifications.language import user_language, written_for


class PasswordResetForm(auth_forms.PasswordResetForm):
    """The reset e-mail speaks the account holder's language, whichever language the form was filled in."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("E-mail address")  # Django's Ukrainian catalogue leaves "Email" English

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs) -> None:
        with written_for(user_language(context["user"])):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)


class PasswordResetView(auth_views.PasswordResetView):
    """Reset links point at `SITE_URL`: the request's Host header is the sender's to forge."""

    form_class = PasswordResetForm

    @property
    def extra_email_context(self):
        return {"site_url": settings.SITE_URL}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Setting a new password signs the holder in: the way past a sign-in pause for the real owner."""

    post_reset_login = True
