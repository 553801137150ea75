"""Sign-ins to check: a bearer token and a browser session of one account, and whether each still works."""
import uuid

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.services import token_issue

PASSWORD = "pw-Secret-123"  # the factories' password


@pytest.fixture(autouse=True)
def fresh_cache(settings):
    """Throttle counters live in the cache: each test counts under its own key prefix."""
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": f"accounts-{uuid.uuid4().hex}"}}


@pytest.fixture
def low_rates(settings):
    """Three tries a minute for every limited scope."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {"auth": "3/min", "join": "3/min", "attempts": "3/min"}}


class SignIns:
    """One token and one session of `user`, made the way clients make them."""

    def __init__(self, user):
        self.raw = token_issue(user=user)
        self.browser = Client()
        self.browser.force_login(user)

    def token_works(self) -> bool:
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {self.raw}")
        return api.get("/api/v1/me/").status_code == 200

    def session_works(self) -> bool:
        return self.browser.get("/api/v1/me/").status_code == 200

    def both_ended(self) -> bool:
        return not self.token_works() and not self.session_works()


@pytest.fixture
def sign_ins():
    return SignIns
