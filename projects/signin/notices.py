"""Telling account holders that sign-in to their account is paused: it may be someone else guessing."""

from __future__ import annotations

import logging
import math
from smtplib import SMTPException

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.mail import send_mail
from django.template.loader import render_to_string

from projects.notifications.language import user_language, written_for

logger = logging.getLogger(__name__)


def tell_account_holder(account_key: str, username: str, pause: int) -> None:
    """E-mail the holder of `username`, at most once a window however many pauses follow."""
    user = get_user_model()._default_manager.filter(**{get_user_model().USERNAME_FIELD: username}).first()
    if user is None or not user.is_active or not user.email:
        return
    if not cache.add(f"{account_key}:told", True, timeout=settings.LOGIN_FAILURE_WINDOW_SECONDS):
        return
    context = {"user": user, "minutes": math.ceil(pause / 60), "site_url": settings.SITE_URL}
    try:
        with written_for(user_language(user)):
            subject = render_to_string("registration/sign_in_paused_subject.txt", context).strip()
            body = render_to_string("registration/sign_in_paused_email.txt", context)
        send_mail(subject, body, None, [user.email])
    except (SMTPException, OSError):
        # The pause itself protects the account; a lost notice must not turn a refusal into a 500.
        logger.exception("Could not tell %s that sign-in to their account is paused.", username)
