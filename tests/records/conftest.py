"""The records tests' fixtures: a real Ralph LRS (tests/lrs.py) and the LRS cache entry reset."""
import pytest

from ..lrs import KEY, SECRET, Ralph, connect_lrs, ralph, reset_lrs_cache  # noqa: F401 - fixtures and helpers


@pytest.fixture(autouse=True)
def lrs_cache():
    """Each test starts and ends with the cached set of academies with an LRS matching an empty table."""
    reset_lrs_cache()
    yield
    reset_lrs_cache()
