import os

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import Role

from .factories import make_academy, make_staff, make_user

# In CI a test that needs a service must fail, not skip, when the service is missing.
IN_CI = os.environ.get("CI", "").lower() == "true"


def require_service(available: bool, what: str):
    if not available:
        if IN_CI:
            pytest.fail(f"{what} is required in CI but is not reachable")
        pytest.skip(f"{what} not reachable")


@pytest.fixture
def api():
    return APIClient()


def as_user(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def signed_in(user) -> Client:
    """A browser-like client with `user` signed in (a session), for the site and the CMS admin."""
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def student(db):
    return make_user(Role.STUDENT)


@pytest.fixture
def teacher(db):
    return make_user(Role.TEACHER)


@pytest.fixture
def academy(db):
    return make_academy()


@pytest.fixture
def staff(academy):
    return make_staff(academy)


def error_codes(response) -> list[str]:
    body = response.json()
    assert set(body) == {"type", "errors"}, body
    assert all({"code", "detail", "attr"} <= set(e) for e in body["errors"]), body
    return [e["code"] for e in body["errors"]]


@pytest.fixture
def budget(db, django_assert_num_queries):
    """budget(client, url, n) -> the page of the second GET of `url`, which must take exactly n queries
    (the query budgets of the site and the CMS; tests/api/test_query_budgets.py has its JSON twin)."""

    def measure(client, url, expected: int):
        assert client.get(url).status_code == 200  # warms the caches that outlive a request
        with django_assert_num_queries(expected):
            response = client.get(url)
        assert response.status_code == 200
        return response.content.decode()

    return measure
