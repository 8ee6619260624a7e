"""The authentication backend every sign-in form goes through (web, admin), so no door escapes the limit."""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from projects.client_address import client_address
from projects.signin.limits import Attempt
from projects.signin.notices import tell_account_holder


class SignInLimitBackend(ModelBackend):
    """Django's username and password check, refused while the username is paused at this address.

    A paused attempt is refused before the password is checked, so it tells a guesser nothing; the
    request is marked so `SignInPausedMiddleware` can say how long to wait.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None:
            return None
        attempt = Attempt(str(username), client_address(request) if request is not None else "")
        wait = attempt.pause_remaining()
        if wait:
            if request is not None:
                request.sign_in_paused_for = wait
            raise PermissionDenied
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None:
            attempt.succeeded()
        elif pause := attempt.failed():
            tell_account_holder(attempt.account_key, str(username), pause)
        return user

    async def aauthenticate(self, request, **kwargs):
        return await sync_to_async(self.authenticate)(request, **kwargs)
