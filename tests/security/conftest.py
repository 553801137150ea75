import uuid

import pytest


@pytest.fixture(autouse=True)
def fresh_cache(settings):
    """Throttle counters live in the cache (Redis in the PostgreSQL runs, shared by parallel workers):
    each test counts under its own key prefix instead of flushing what another test is counting."""
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": f"security-{uuid.uuid4().hex}"}}


@pytest.fixture
def low_rates(settings):
    """Three tries a minute for every limited scope."""
    def set_rates(auth="3/min", join="3/min", attempts="3/min"):
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                                   "DEFAULT_THROTTLE_RATES": {"auth": auth, "join": join, "attempts": attempts}}
    set_rates()
    return set_rates
