"""Whichever sign-in page was refused because of a pause, the answer is one 429 page saying how long to wait."""

from __future__ import annotations

import math

from django.shortcuts import render


class SignInPausedMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        wait = getattr(request, "sign_in_paused_for", None)
        if not wait:
            return response
        paused = render(request, "registration/sign_in_paused.html", {"minutes": math.ceil(wait / 60)}, status=429)
        paused["Retry-After"] = str(wait)
        return paused
