"""The OpenAPI 3 schema at /api/v1/schema/: valid, complete, and able to catch a mismatch."""
import pytest
from django.http import HttpResponse, JsonResponse
from openapi_spec_validator import validate

from .conftest import contract_problems

ERROR_TYPES = {"400": {"validation_error", "client_error"}, "5": {"server_error"}, "4": {"client_error"}}


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from rest_framework.test import APIClient

    with django_db_blocker.unblock():
        response = APIClient().get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    return response.json()


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield f"{method.upper()} {path}", operation


def resolve(schema, node):
    while "$ref" in node or len(node.get("allOf", ())) == 1:
        node = node["allOf"][0] if "allOf" in node else node
        if "$ref" in node:
            node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def test_the_schema_is_valid_openapi_3(schema):
    assert schema["openapi"].startswith("3.")
    validate(schema)


def test_every_contract_path_is_described(schema):
    contract = {
        "/api/v1/auth/register/": {"post"}, "/api/v1/auth/token/": {"post"}, "/api/v1/me/": {"get"},
        "/api/v1/courses/": {"get"}, "/api/v1/courses/{course_id}/": {"get"},
        "/api/v1/courses/{course_id}/enrol/": {"post"}, "/api/v1/lessons/{lesson_id}/complete/": {"post"},
        "/api/v1/courses/{course_id}/progress/": {"get"}, "/api/v1/me/progress/": {"get"},
        "/api/v1/exercises/import/": {"post"}, "/api/v1/exercises/{exercise_id}/": {"get"},
        "/api/v1/exercises/{exercise_id}/export/": {"get"},
        "/api/v1/exercises/{exercise_id}/attempts/": {"get", "post"},
        "/api/v1/attempts/{attempt_id}/steps/": {"post"}, "/api/v1/attempts/{attempt_id}/": {"get"},
        "/api/v1/classes/": {"post"}, "/api/v1/classes/join/": {"post"},
        "/api/v1/classes/{class_id}/assignments/": {"post"}, "/api/v1/classes/{class_id}/progress/": {"get"},
        "/api/v1/classes/{class_id}/progress.csv": {"get"},
    }
    for path, methods in contract.items():
        assert methods <= set(schema["paths"].get(path, {})), path


def test_every_operation_documents_a_success_and_its_errors_in_the_error_shape(schema):
    for name, operation in operations(schema):
        codes = set(operation["responses"])
        assert any(code.startswith("2") for code in codes), name
        assert {"500", "503"} <= codes, name
        if "{" in name:
            assert "404" in codes, name
        if "requestBody" in operation:
            assert {"400", "415"} <= codes, name
        for code, response in operation["responses"].items():
            if code.startswith("2"):
                continue
            assert set(response["content"]) == {"application/json"}, (name, code)
            body = resolve(schema, response["content"]["application/json"]["schema"])
            assert set(body["required"]) == {"type", "errors"}, (name, code)
            types = set(resolve(schema, body["properties"]["type"])["enum"])
            assert types == ERROR_TYPES.get(code, ERROR_TYPES[code[0]]), (name, code)
            assert body["properties"]["errors"]["minItems"] == 1, (name, code)
            item = resolve(schema, body["properties"]["errors"]["items"])
            assert set(item["required"]) == {"code", "detail", "attr"}, (name, code)
            assert response["description"], (name, code)


def test_every_success_body_is_described(schema):
    for name, operation in operations(schema):
        for code, response in operation["responses"].items():
            if code.startswith("2") and code != "204":
                assert response.get("content"), (name, code)
                for media in response["content"].values():
                    assert media.get("schema"), (name, code)


def test_the_class_progress_csv_is_described_as_csv(schema):
    responses = schema["paths"]["/api/v1/classes/{class_id}/progress.csv"]["get"]["responses"]
    assert set(responses["200"]["content"]) == {"text/csv"}
    assert set(responses["404"]["content"]) == {"application/json"}


def test_signed_in_operations_name_both_schemes(schema):
    assert schema["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "description": "Token from POST /api/v1/auth/token/"}
    me = schema["paths"]["/api/v1/me/"]["get"]
    assert {"bearerAuth": []} in me["security"]


# --- the response check used by every API test (tests/api/conftest.py) can fail ---------


def test_the_response_check_refuses_an_undocumented_status(db):
    problems = contract_problems("GET", "/api/v1/me/", JsonResponse({"detail": "x"}, status=418))
    assert problems and "418 is not documented" in problems[0]


def test_the_response_check_refuses_a_body_that_does_not_match(db):
    me = JsonResponse({"id": "seven", "username": "a", "email": "a@example.org", "role": "student"})
    problems = contract_problems("GET", "/api/v1/me/", me)
    assert any("academies" in p for p in problems)
    assert any("seven" in p for p in problems)


def test_the_response_check_refuses_an_error_outside_the_shape(db):
    problems = contract_problems("GET", "/api/v1/me/", JsonResponse({"detail": "no"}, status=401))
    assert any("'type' is a required property" in p for p in problems)


def test_the_response_check_refuses_an_undocumented_content_type(db):
    problems = contract_problems("GET", "/api/v1/me/", HttpResponse("<p>me</p>", content_type="text/html"))
    assert problems and "text/html" in problems[0]


def test_the_response_check_accepts_a_conforming_answer(db):
    me = JsonResponse({"id": 7, "username": "a", "email": "a@example.org", "role": "student", "academies": [],
                       "email_verified": False})
    assert contract_problems("GET", "/api/v1/me/", me) == []
    assert contract_problems("GET", "/api/v1/nope/", JsonResponse(
        {"type": "client_error", "errors": [{"code": "not_found", "detail": "Not found.", "attr": None}]},
        status=404)) == []


def test_an_undocumented_method_must_be_a_405_in_the_error_shape(db):
    refusal = {"type": "client_error", "errors": [{"code": "method_not_allowed", "detail": "No.", "attr": None}]}
    assert contract_problems("PUT", "/api/v1/me/", JsonResponse(refusal, status=405)) == []
    assert contract_problems("PUT", "/api/v1/me/", JsonResponse({"id": 1}, status=200))


def test_real_answers_pass_the_check(api, db):
    assert api.get("/api/v1/courses/").status_code == 200
    assert api.put("/api/v1/me/", {}, format="json").status_code == 401  # signing in is checked first
    assert api.get("/api/v1/no-such-route/").status_code == 404
    assert api.delete("/api/v1/no-such-route/").status_code == 404


def test_the_csv_is_served_to_a_client_asking_for_csv_and_errors_stay_json(teacher):
    from courses.services import class_create

    from ..conftest import as_user

    school_class = class_create(teacher=teacher, name="Year 9")
    client = as_user(teacher)
    csv = client.get(f"/api/v1/classes/{school_class.pk}/progress.csv", HTTP_ACCEPT="text/csv")
    assert csv.status_code == 200
    assert csv["Content-Type"].startswith("text/csv")
    assert csv.content.decode().startswith("student_id,username,module_id")
    missing = client.get(f"/api/v1/classes/{school_class.pk + 1000}/progress.csv", HTTP_ACCEPT="text/csv")
    assert missing.status_code == 404
    assert missing["Content-Type"] == "application/json"
    assert missing.json()["errors"][0]["code"] == "not_found"
