"""Sign-in failures are counted in the cache, which outlives a test."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_sign_in_counts(settings):
    settings.LOGIN_FAILURE_LIMIT = 5
    settings.LOGIN_ACCOUNT_FAILURE_LIMIT = 20
    settings.LOGIN_PAUSE_SECONDS = 60
    settings.LOGIN_FAILURE_WINDOW_SECONDS = 900
    settings.TRUSTED_PROXIES = []
    settings.SITE_URL = "https://tracker.example.org"
    cache.clear()
    yield
    cache.clear()
