"""Every response from /api/v1/ in these tests must be one the OpenAPI schema documents.

An autouse fixture wraps the Django test client (DRF's APIClient is one): the
status must be documented for that path and method, the content type must be
one documented for that status, and the body must match its schema (checked
with openapi-schema-validator, so `nullable` and formats count). Undocumented
paths must be the JSON 404 and undocumented methods a 405 (or the 401/403 that
comes first), all in the error shape. A mismatch fails the test where the
request was made.
"""
import json
import re
import threading
from functools import cache

import pytest
from django.test import Client
from openapi_schema_validator import OAS30ReadValidator, oas30_format_checker

API_PREFIX = "/api/v1/"
NOT_DESCRIBED = ("/api/v1/schema/", "/api/v1/docs/")  # the schema and its docs page describe the rest
ERROR_SCHEMA = {
    "type": "object",
    "required": ["type", "errors"],
    "properties": {
        "type": {"enum": ["validation_error", "client_error", "server_error"]},
        "errors": {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["code", "detail", "attr"],
            "properties": {"code": {"type": "string"}, "detail": {"type": "string"},
                           "attr": {"type": "string", "nullable": True}}}},
    },
}


@cache
def openapi_document() -> dict:
    """The schema as /api/v1/schema/?format=json serves it."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(schema, renderer_context={}))


@cache
def path_patterns() -> list[tuple[re.Pattern, str]]:
    patterns = []
    for template in openapi_document()["paths"]:
        regex = re.escape(template)
        regex = re.sub(r"\\\{[^}]+\\\}", "[^/]+", regex)
        patterns.append((re.compile(f"^{regex}$"), template))
    # Literal segments win over parameters: /classes/join/ before /classes/{class_id}/.
    return sorted(patterns, key=lambda item: item[1].count("{"))


def operation_template(path: str) -> str | None:
    """The schema's path template that `path` answers to, if any."""
    return next((template for pattern, template in path_patterns() if pattern.match(path)), None)


def _matches(body, schema: dict) -> list[str]:
    document = openapi_document()
    validator = OAS30ReadValidator({"allOf": [schema], "components": document["components"]},
                                   format_checker=oas30_format_checker)
    return [f"{'/'.join(map(str, e.absolute_path)) or '<body>'}: {e.message}"
            for e in validator.iter_errors(body)]


def contract_problems(method: str, path: str, response) -> list[str]:
    """Why `response` is not what the schema documents for `method path` (empty when it is)."""
    if method == "OPTIONS":
        return []  # DRF's metadata answer; not part of the contract
    status = response.status_code
    media_type = response.get("Content-Type", "").split(";")[0].strip()
    template = operation_template(path)
    described_as = "get" if method == "HEAD" else method.lower()  # HEAD answers as GET, without the body
    operation = openapi_document()["paths"].get(template, {}).get(described_as) if template else None
    if operation is None:
        # An unknown route is a 404; a known one refuses other methods, after signing in is checked.
        expected = {401, 403, 405} if template else {404}
        if status not in expected:
            return [f"{method} {path} is not in the schema, so it must answer {sorted(expected)}, not {status}"]
        return _json_body_problems(response, ERROR_SCHEMA)
    documented = operation["responses"].get(str(status)) or operation["responses"].get(f"{str(status)[0]}XX")
    if documented is None:
        return [f"{method} {template}: status {status} is not documented "
                f"(documented: {', '.join(operation['responses'])}); body: {response.content[:300]!r}"]
    content = documented.get("content")
    if method == "HEAD":
        return []
    if not content:
        if response.content:
            return [f"{method} {template} {status}: documented without a body, got {response.content[:200]!r}"]
        return []
    if media_type not in content:
        return [f"{method} {template} {status}: content type {media_type!r} is not documented ({', '.join(content)})"]
    schema = content[media_type].get("schema")
    if media_type != "application/json" or schema is None:
        return []
    return [f"{method} {template} {status}: {problem}" for problem in _json_body_problems(response, schema)]


def _json_body_problems(response, schema: dict) -> list[str]:
    try:
        body = json.loads(response.content)
    except ValueError:
        return [f"the body is not JSON: {response.content[:200]!r}"]
    return _matches(body, schema)


@pytest.fixture(autouse=True)
def responses_conform_to_the_schema(monkeypatch):
    original = Client.request
    main = threading.main_thread()
    elsewhere: list[str] = []

    def request(self, **environ):
        response = original(self, **environ)
        path = environ.get("PATH_INFO", "")
        if path.startswith(API_PREFIX) and not path.startswith(NOT_DESCRIBED):
            problems = contract_problems(environ.get("REQUEST_METHOD", "GET"), path, response)
            if problems:
                if threading.current_thread() is main:
                    pytest.fail("response does not conform to the OpenAPI schema:\n" + "\n".join(problems))
                elsewhere.extend(problems)  # an exception in a worker thread would be lost
        return response

    monkeypatch.setattr(Client, "request", request)
    yield
    if elsewhere:
        pytest.fail("responses in other threads do not conform to the OpenAPI schema:\n" + "\n".join(elsewhere))
