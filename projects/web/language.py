"""Which language a request is served in, and the switch in the navigation that changes it.

A signed-in user's choice is kept with their e-mail preferences (so e-mails follow it too) and copied
into the session when they sign in; an anonymous visitor's lives in the language cookie; the browser's
Accept-Language is the first guess for everyone else.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from projects.actors import Actor
from projects.notifications.models import Recipient
from projects.notifications.services import set_language_preference

SESSION_KEY = "tracker_language"
LANGUAGE_CODES = frozenset(code for code, _ in settings.LANGUAGES)


class LanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, with the signed-in user's choice (from the session) ahead of the cookie."""

    def process_request(self, request: HttpRequest) -> None:
        # Only a request that brings a session cookie has a choice stored: the API's token requests load none.
        has_session = hasattr(request, "session") and settings.SESSION_COOKIE_NAME in request.COOKIES
        chosen = request.session.get(SESSION_KEY) if has_session else None
        if chosen in LANGUAGE_CODES:
            translation.activate(chosen)
            request.LANGUAGE_CODE = chosen
            return
        super().process_request(request)


@require_POST
def choose_language(request: HttpRequest) -> HttpResponse:
    """Django's `set_language` (cookie and redirect back), and for a signed-in user the lasting choice."""
    response = set_language(request)
    language = request.POST.get("language")
    if language in LANGUAGE_CODES and request.user.is_authenticated:
        set_language_preference(actor=Actor(user=request.user), user_id=request.user.pk, language=language)
        request.session[SESSION_KEY] = language
    return response


@receiver(user_logged_in, dispatch_uid="tracker-language-on-sign-in")
def apply_language_on_sign_in(sender, request: HttpRequest | None, user, **kwargs) -> None:
    """The language the user chose last time, from the first page after signing in."""
    if request is None or not hasattr(request, "session"):
        return
    language = Recipient.objects.filter(user=user).values_list("language", flat=True).first()
    if language in LANGUAGE_CODES:
        request.session[SESSION_KEY] = language
