"""Errors answer in the asker's language (issue 20, finding 17): a site page is an HTML page in the
site's layout, anything under /api/ is JSON in the contract's error shape, 500 included.

pytest-django runs with DEBUG off, as production does, so Django calls the project's handlers."""
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.frontend.error_urls")]


@pytest.fixture
def client():
    # A failing view answers its error page, as in production, instead of raising into the test.
    return Client(raise_request_exception=False)


def assert_site_page(response, status: int, heading: str):
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert '<header class="site-header">' in page and "/static/frontend/site.css" in page
    assert heading in page
    assert "Traceback" not in page and "urlpatterns" not in page.lower()


def assert_api_error(response, status: int, type_: str, code: str):
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert body["type"] == type_
    assert [error["code"] for error in body["errors"]] == [code]
    assert set(body["errors"][0]) == {"code", "detail", "attr"}


def test_a_failing_site_page_is_the_sites_500_page(client):
    assert_site_page(client.get("/broken/"), 500, "Something went wrong on our side")


def test_the_500_page_reads_nothing_from_the_database(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/broken/")
    assert response.status_code == 500
    # The failing view reads nothing and the page is rendered without the request (no session, no user).
    assert len(queries) == 0


def test_a_failing_plain_view_under_the_api_answers_json_500(client):
    assert_api_error(client.get("/api/v1/broken/plain/"), 500, "server_error", "error")


def test_a_failing_api_view_answers_json_500(client):
    assert_api_error(client.get("/api/v1/broken/drf/"), 500, "server_error", "error")


def test_an_unknown_site_address_is_the_sites_404_page_without_the_url_list(client):
    assert_site_page(client.get("/no-such-page/"), 404, "Page not found")


def test_an_unknown_api_address_answers_json_404(client):
    assert_api_error(client.get("/api/v1/no-such-endpoint/"), 404, "client_error", "not_found")


def test_an_unknown_address_under_api_outside_v1_answers_json_404(client):
    assert_api_error(client.get("/api/v2/courses/"), 404, "client_error", "not_found")


def test_a_refused_site_page_is_the_sites_403_page(client):
    assert_site_page(client.get("/broken/forbidden/"), 403, "You cannot open this page")


def test_a_refusal_under_the_api_answers_json_403(client):
    assert_api_error(client.get("/api/v1/broken/forbidden/"), 403, "client_error", "permission_denied")


def test_a_bad_site_request_is_the_sites_400_page(client):
    assert_site_page(client.get("/broken/suspicious/"), 400, "This request could not be understood")


def test_a_bad_request_under_the_api_answers_json_400(client):
    assert_api_error(client.get("/api/v1/broken/suspicious/"), 400, "client_error", "bad_request")


def test_a_request_for_an_unknown_host_is_the_400_page(client):
    assert_site_page(client.get("/", HTTP_HOST="evil.example"), 400, "This request could not be understood")
