"""Web log lines: JSON objects carrying the request id, which the answer echoes; no credentials.

The worker's side (the same request id and a task id in a real worker process) is
tests/integration/test_operations.py.
"""
import logging
import uuid

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from ..factories import make_user


def test_a_request_logs_one_json_line_with_its_request_id_and_status(db, json_logs):
    response = Client().get("/api/v1/courses/", headers={"X-Request-ID": "probe-7f3a.1"})

    [line] = json_logs.events("request_finished")
    assert line["request_id"] == "probe-7f3a.1"
    assert (line["code"], line["request"], line["level"]) == (200, "GET /api/v1/courses/", "info")
    assert {"timestamp", "logger"} <= set(line)
    assert response["X-Request-ID"] == "probe-7f3a.1"


def test_without_a_request_id_header_one_is_made_and_echoed(db, json_logs):
    response = Client().get("/api/v1/courses/")

    [line] = json_logs.events("request_finished")
    assert str(uuid.UUID(line["request_id"])) == line["request_id"] == response["X-Request-ID"]


@pytest.mark.parametrize("given", ["a b", "x" * 65, "id\"}{", "ünïcode", "a\\nb"],
                         ids=["space", "too-long", "json-breaking", "non-ascii", "escaped-newline"])
def test_an_unsafe_request_id_header_is_replaced_by_a_new_one(db, json_logs, given):
    response = Client().get("/api/v1/courses/", headers={"X-Request-ID": given})

    [line] = json_logs.events("request_finished")
    assert line["request_id"] == response["X-Request-ID"] != given
    assert uuid.UUID(line["request_id"])


def test_two_requests_get_two_request_ids(db, json_logs):
    first = Client().get("/api/v1/courses/")["X-Request-ID"]
    second = Client().get("/api/v1/courses/")["X-Request-ID"]

    assert first != second
    assert [line["request_id"] for line in json_logs.events("request_finished")] == [first, second]


def test_a_plain_logging_line_inside_a_request_carries_its_request_id(db, json_logs, monkeypatch):
    from api.views import catalogue

    view = catalogue.CourseListView.get

    def logged_get(self, request, *args, **kwargs):
        logging.getLogger("parley.test").warning("listing courses for %s", "someone")
        return view(self, request, *args, **kwargs)

    monkeypatch.setattr(catalogue.CourseListView, "get", logged_get)
    Client().get("/api/v1/courses/", headers={"X-Request-ID": "plain-line-1"})

    [line] = json_logs.events("listing courses for someone")
    assert (line["request_id"], line["level"], line["logger"]) == ("plain-line-1", "warning", "parley.test")


def test_the_token_of_a_password_reset_link_stays_out_of_the_log(db, json_logs):
    user = make_user()
    uid, token = urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)

    Client().get(f"/account/password-reset/{uid}/{token}/?next=/x")

    [line] = json_logs.events("request_finished")
    assert line["request"] == "GET /account/password-reset/[redacted]/[redacted]/"
    assert token not in json_logs.text() and uid not in json_logs.text()


@pytest.mark.parametrize("path", ["/unsubscribe/{}/", "/account/verify-email/{}/"], ids=["unsubscribe", "verify"])
def test_the_token_of_a_mailed_link_stays_out_of_the_log(db, json_logs, path):
    token = "mailed-link-token-Zx81"

    Client().get(path.format(token))

    [line] = json_logs.events("request_finished")
    assert line["request"] == "GET " + path.format("[redacted]")
    assert token not in json_logs.text()


def test_a_refused_request_is_one_line_without_its_query_string(db, json_logs):
    Client().get("/api/v1/courses/987654321/?token=abc-query-secret")

    assert [line["event"] for line in json_logs.lines()] == ["request_finished"]
    assert json_logs.lines()[0]["code"] == 404
    assert "abc-query-secret" not in json_logs.text()


def test_a_signed_in_request_logs_the_user_id_and_no_session_or_password(db, json_logs):
    user = make_user(password="pw-Secret-123")
    token = Client().post("/api/v1/auth/token/", {"username": user.username, "password": "pw-Secret-123"},
                        content_type="application/json").json()["token"]
    Client().get("/api/v1/me/", headers={"Authorization": f"Bearer {token}"})

    me = next(line for line in json_logs.events("request_finished") if line["request"] == "GET /api/v1/me/")
    assert me["user_id"] == user.pk
    assert "pw-Secret-123" not in json_logs.text() and token not in json_logs.text()


def test_a_key_that_names_a_credential_is_redacted_in_any_line(json_logs):
    import structlog

    structlog.get_logger("parley.test").warning("signed_in", password="pw-Secret-123", api_token="t0k3n", n=2)

    [line] = json_logs.events("signed_in")
    assert (line["password"], line["api_token"], line["n"]) == ("[redacted]", "[redacted]", 2)
