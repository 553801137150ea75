"""What an outside client can send at the edges of API v1 answers 4xx in the error shape, never a
5xx: OPTIONS on every route, ids no row can have, deep or large bodies, slugs that would break a
header, replies over the cap and keys a step does not have, whichever way they are submitted."""
import copy
import json
import re

import pytest
from django.test import Client
from django.urls import URLPattern, reverse

from api import urls as api_urls
from assessments.errors import AssessmentError
from assessments.models import Attempt, Exercise, RefusedPath
from assessments.selectors import exercise_download_filename
from assessments.services import attempt_start, attempt_submit, regrade_start
from courses.services import assignment_create, class_create, class_join, enrol

from ..conftest import as_user, error_codes, signed_in
from ..factories import (
    PASSING_PATH,
    QUIZ,
    SPEC_SCENARIO,
    course_lessons,
    course_modules,
    import_exercise,
    later,
    make_course,
)
from .conftest import openapi_document

pytestmark = pytest.mark.django_db

MAX_REPLY = 20_000
OUT_OF_RANGE_IDS = ["9223372036854775808", "18446744073709551616", "9" * 40, "1" * 5000, "-1", "0", "+1",
                    "\u0663"]  # the last is ARABIC-INDIC DIGIT THREE, which int() reads as 3
PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def api_routes() -> list[str]:
    """Every route of api/urls.py as a template such as "exercises/<str:exercise_id>/attempts/"."""
    return [str(p.pattern) for p in api_urls.urlpatterns if isinstance(p, URLPattern) and
            not str(p.pattern).startswith("^")]


def route_view(route: str):
    pattern = next(p for p in api_urls.urlpatterns if isinstance(p, URLPattern) and str(p.pattern) == route)
    return getattr(pattern.callback, "cls", None) or getattr(pattern.callback, "view_class", None)


def fill(route: str, ids: dict, default="1") -> str:
    return "/api/v1/" + PARAM.sub(lambda m: str(ids.get(m["name"], default)), route)


def methods_of(route: str) -> list[str]:
    view = route_view(route)
    return [m for m in ("get", "post", "put", "patch", "delete") if view and hasattr(view, m)]


@pytest.fixture
def world(academy, staff, teacher, student):
    """Real records for every id a route takes, and who may see them."""
    exercise = import_exercise(academy, visibility="practice")
    course = make_course(academy, exercises_in={(0, 0): [exercise.pk]})
    enrol(learner=student, course=course)
    school_class = class_create(teacher=teacher, name="Edges")
    class_join(student=student, join_code=school_class.join_code)
    assignment, _ = assignment_create(actor=teacher, school_class=school_class,
                                      module_id=course_modules(course)[0].pk, due_at=later())
    attempt, _ = attempt_start(exercise=exercise, learner=student)
    batch = regrade_start(version=exercise.current_version, actor=staff)
    ids = {"course_id": course.pk, "lesson_id": course_lessons(course)[0].pk, "exercise_id": exercise.pk,
           "attempt_id": attempt.pk, "class_id": school_class.pk, "student_id": student.pk,
           "assignment_id": assignment.pk, "batch_id": batch.pk}
    return {"ids": ids, "actors": {"anonymous": None, "learner": student, "teacher": teacher, "staff": staff},
            "exercise": exercise}


def client_for(user):
    client = as_user(user) if user else Client()
    client.raise_request_exception = False  # a crash must show as the 500 an outside client sees
    return client


def assert_error_shape(response):
    body = response.json()
    assert set(body) == {"type", "errors"}, body
    assert body["errors"] and all({"code", "detail", "attr"} <= set(e) for e in body["errors"]), body


# --- OPTIONS -------------------------------------------------------------------------------


@pytest.mark.parametrize("actor", ["anonymous", "learner", "teacher", "staff"])
def test_options_on_every_route_answers_its_methods(world, actor):
    client = client_for(world["actors"][actor])
    answers = {}
    for route in api_routes():
        response = client.options(fill(route, world["ids"]))
        answers[route] = response.status_code
        assert response.status_code == 200, (route, response.status_code, response.content[:300])
        allowed = set(response["Allow"].split(", "))
        assert allowed == set(response.json()["methods"])
        assert {m.upper() for m in methods_of(route)} | {"OPTIONS"} <= allowed
    assert answers  # the walk found the routes


@pytest.mark.parametrize("path", ["/api/v1/classes/", "/api/v1/classes/{class_id}/students/",
                                  "/api/v1/exercises/{exercise_id}/attempts/", "/api/v1/docs/"])
def test_options_where_it_gave_500s_answers_200(world, path):
    for user in world["actors"].values():
        response = client_for(user).options(path.format(**world["ids"]))
        assert response.status_code == 200, response.content[:300]


def test_options_on_an_unknown_route_is_the_json_404(world):
    response = client_for(None).options("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert error_codes(response) == ["not_found"]


# --- ids no row can have -------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/lessons/{}/", "/api/v1/courses/{}/", "/api/v1/exercises/{}/",
                                  "/api/v1/attempts/{}/", "/api/v1/courses/{}/progress/"])
@pytest.mark.parametrize("bad", OUT_OF_RANGE_IDS)
def test_an_id_out_of_range_is_the_json_404(world, path, bad):
    response = client_for(world["actors"]["learner"]).get(path.format(bad))
    assert response.status_code == 404, response.content[:300]
    assert_error_shape(response)


# A 404 anywhere costs Wagtail's redirect lookup (its RedirectMiddleware, last in MIDDLEWARE, looks for a
# redirect of every 404's path: the Site of the request's host, then the path, and its unquoted form when
# that differs). The view itself reads nothing: int_or_404 refuses the id before its first query.
def _is_the_redirect_lookup(sql: str) -> bool:
    return sql.startswith('SELECT "wagtailcore_site"') or '"wagtailredirects_redirect"' in sql


def _is_the_write_transaction(sql: str) -> bool:  # api/middleware.py's, around a DELETE
    return sql.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT"))


def test_an_impossible_path_id_is_the_json_404_before_the_view_s_first_query(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    learner, teacher = client_for(world["actors"]["learner"]), client_for(world["actors"]["teacher"])
    for client, path in ((learner, "/api/v1/lessons/{}/"), (learner, "/api/v1/courses/{}/"),
                         (learner, "/api/v1/exercises/{}/"), (learner, "/api/v1/attempts/{}/"),
                         (learner, "/api/v1/courses/{}/progress/"), (teacher, "/api/v1/classes/{}/students/")):
        for bad in OUT_OF_RANGE_IDS:
            with CaptureQueriesContext(connection) as seen:
                response = client.get(path.format(bad))
            assert response.status_code == 404, (path, bad)
            others = [q["sql"][:200] for q in seen.captured_queries if not _is_the_redirect_lookup(q["sql"])]
            assert seen.captured_queries and others == [], (path, bad)
    for bad in OUT_OF_RANGE_IDS:  # the second id of a route, its first a real class
        with CaptureQueriesContext(connection) as seen:
            response = teacher.delete(f"/api/v1/classes/{world['ids']['class_id']}/students/{bad}/")
        assert response.status_code == 404, bad
        assert [q["sql"][:200] for q in seen.captured_queries
                if not (_is_the_redirect_lookup(q["sql"]) or _is_the_write_transaction(q["sql"]))] == [], bad


def test_every_id_of_every_route_out_of_range_answers_4xx_in_the_error_shape(world):
    """Each id of each route in turn, the others real, by each method, as each actor."""
    seen = []
    for route in api_routes():
        names = [m["name"] for m in PARAM.finditer(route)]
        for name in names:
            for bad in ("9223372036854775808", "9" * 40, "-1"):
                path = fill(route, {**world["ids"], name: bad})
                for actor, user in world["actors"].items():
                    client = client_for(user)
                    for method in methods_of(route):
                        body = "" if method == "get" else "{}"
                        response = client.generic(method.upper(), path, body, content_type="application/json")
                        seen.append((method, route, actor))
                        assert response.status_code in (400, 401, 403, 404, 405), (
                            method, path, actor, response.status_code, response.content[:300])
                        assert_error_shape(response)
    assert len(seen) > 100


@pytest.mark.parametrize("bad", ["9223372036854775808", "9" * 40, "-1", "0"])
def test_an_academy_filter_out_of_range_is_a_400_at_the_parameter(world, bad):
    response = client_for(world["actors"]["staff"]).get(f"/api/v1/audit/?academy={bad}")
    assert response.status_code == 400
    assert [e["attr"] for e in response.json()["errors"]] == ["academy"]


@pytest.mark.parametrize("bad", [2**63, -(2**63) - 1, 10**40])
def test_an_id_out_of_range_in_a_body_is_a_400_at_its_field(world, bad):
    ids = world["ids"]
    client = client_for(world["actors"]["teacher"])
    extension = client.post(f"/api/v1/classes/{ids['class_id']}/assignments/{ids['assignment_id']}/extensions/",
                            {"student": bad, "due_at": later().isoformat()}, format="json")
    assignment = client.post(f"/api/v1/classes/{ids['class_id']}/assignments/",
                             {"module": bad, "due_at": later().isoformat()}, format="json")
    assert (extension.status_code, assignment.status_code) == (400, 400)
    assert [e["attr"] for e in extension.json()["errors"]] == ["student"]
    assert [e["attr"] for e in assignment.json()["errors"]] == ["module"]


def test_every_integer_query_parameter_out_of_range_answers_4xx(world):
    document = openapi_document()
    probed = 0
    for template, operations in document["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") != "query" or parameter.get("schema", {}).get("type") != "integer":
                    continue
                if parameter["name"] in ("page", "page_size"):
                    continue  # not ids: a page past the end is a 404, a large page size is capped
                path = re.sub(r"\{([^}]+)\}", lambda m: str(world["ids"].get(m[1], 1)), template)
                for user in world["actors"].values():
                    response = getattr(client_for(user), method)(f"{path}?{parameter['name']}=9223372036854775808")
                    assert 400 <= response.status_code < 500, (method, template, parameter["name"],
                                                               response.status_code)
                    probed += 1
    assert probed


# --- nesting and size ----------------------------------------------------------------------


def post_raw(client, path, body: str):
    return client.generic("POST", path, body, content_type="application/json")


@pytest.mark.parametrize("depth", [65, 990, 100_000])
def test_json_nested_deeper_than_the_limit_is_a_400(world, depth):
    path = f"/api/v1/exercises/{world['exercise'].pk}/attempts/"
    response = post_raw(client_for(world["actors"]["learner"]), path, "[" * depth + "]" * depth)
    assert response.status_code == 400, response.content[:300]
    assert error_codes(response) == ["too_deeply_nested"]


def test_json_nested_to_the_limit_is_read(world):
    path = f"/api/v1/exercises/{world['exercise'].pk}/attempts/"
    body = json.dumps({"steps": [{"node": "open", "choice": "ask", "x": [[[]]]}]})
    assert post_raw(client_for(world["actors"]["learner"]), path, body).status_code == 400  # read, then refused
    nested = '{"steps":' + "[" * 63 + "]" * 63 + "}"
    response = post_raw(client_for(world["actors"]["learner"]), path, nested)
    assert "too_deeply_nested" not in error_codes(response)


def test_a_body_over_the_limit_is_a_413_in_the_error_shape(world, settings):
    path = f"/api/v1/exercises/{world['exercise'].pk}/attempts/"
    body = json.dumps({"steps": [{"node": "open", "reply": "w" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)}]})
    response = post_raw(client_for(world["actors"]["learner"]), path, body)
    assert response.status_code == 413
    assert error_codes(response) == ["request_too_large"]
    assert not Attempt.objects.exclude(pk=world["ids"]["attempt_id"]).exists()


def one_mib_scenario(size: int) -> dict:
    """The spec scenario padded with an author's note until json.dumps gives `size` bytes."""
    doc = copy.deepcopy(SPEC_SCENARIO)
    doc["slug"] = "big-river"
    doc["debrief"] = ""
    doc["debrief"] = "w" * (size - len(json.dumps(doc).encode()))
    assert len(json.dumps(doc).encode()) == size
    return doc


def test_a_one_mib_exercise_document_imports(staff):
    doc = one_mib_scenario(1024 * 1024)
    response = as_user(staff).post("/api/v1/exercises/import/", json.dumps(doc, indent=2),
                                   content_type="application/json")
    assert response.status_code == 201, response.content[:300]


def test_a_document_over_one_mib_is_refused_by_the_format_not_the_body_limit(staff):
    response = as_user(staff).post("/api/v1/exercises/import/", one_mib_scenario(1024 * 1024 + 1), format="json")
    assert response.status_code == 400
    assert error_codes(response) == ["too_large"]


# --- slugs ---------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", ['river"; filename="evil.exe', "river\r\nSet-Cookie: x=1", "river/../up",
                                  "r\u00eftsa", "river river"])
def test_an_exercise_slug_that_is_not_a_slug_is_refused_at_slug(staff, slug):
    response = as_user(staff).post("/api/v1/exercises/import/", {**SPEC_SCENARIO, "slug": slug}, format="json")
    assert response.status_code == 400
    assert [(e["attr"], e["code"]) for e in response.json()["errors"]] == [("slug", "invalid")]
    assert not Exercise.objects.exists()


def test_the_download_name_of_a_slug_stored_before_the_check_is_safe(academy, staff):
    exercise = import_exercise(academy)
    Exercise.objects.filter(pk=exercise.pk).update(slug='river"\r\nX: y')
    exercise.refresh_from_db()
    assert exercise_download_filename(exercise=exercise, version=exercise.current_version) == "river-X-y-v1.json"
    response = signed_in(staff).get(reverse(Exercise.snippet_viewset.get_url_name("download"), args=[exercise.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="river-X-y-v1.json"'


# --- reply caps and unknown keys, every way of submitting -----------------------------------


def path_with_reply(reply: str, **extra):
    return [PASSING_PATH[0], {"node": "reply1", "reply": reply, **extra}, PASSING_PATH[2]]


def test_a_whole_path_reply_over_the_cap_is_a_400_at_its_path(world):
    client = client_for(world["actors"]["learner"])
    response = client.post(f"/api/v1/exercises/{world['exercise'].pk}/attempts/",
                           {"steps": path_with_reply("w " * (MAX_REPLY // 2) + "w")}, format="json")
    assert response.status_code == 400
    assert [(e["attr"], e["code"]) for e in response.json()["errors"]] == [("steps[1].reply", "max_length")]


def test_a_step_reply_over_the_cap_is_a_400_at_reply(world):
    client = client_for(world["actors"]["learner"])
    attempt_id = world["ids"]["attempt_id"]
    client.post(f"/api/v1/attempts/{attempt_id}/steps/", {"choice": "ask"}, format="json")
    response = client.post(f"/api/v1/attempts/{attempt_id}/steps/", {"reply": "w" * (MAX_REPLY + 1)}, format="json")
    assert response.status_code == 400
    assert [e["attr"] for e in response.json()["errors"]] == ["reply"]


def test_a_quiz_text_answer_over_the_cap_is_a_400_at_its_path(academy, student):
    quiz = import_exercise(academy, document=QUIZ, visibility="practice")
    response = as_user(student).post(f"/api/v1/exercises/{quiz.pk}/attempts/",
                                     {"answers": {"q2": "w" * (MAX_REPLY + 1)}}, format="json")
    assert response.status_code == 400
    assert [(e["attr"], e["code"]) for e in response.json()["errors"]] == [("answers.q2", "max_length")]


def test_the_services_the_site_submits_through_hold_the_same_caps(academy, student):
    # frontend/learn.py submits quizzes with attempt_submit, and plays scenarios through the step endpoint.
    quiz = import_exercise(academy, document=QUIZ, visibility="practice")
    with pytest.raises(AssessmentError) as caught:
        attempt_submit(exercise=quiz, learner=student, answers={"answers": {"q2": "w" * (MAX_REPLY + 1)}})
    assert caught.value.errors[0]["attr"] == "answers.q2"
    scenario = import_exercise(academy, visibility="practice", slug="site-river")
    with pytest.raises(AssessmentError) as caught:
        attempt_submit(exercise=scenario, learner=student, answers={"steps": path_with_reply("w" * (MAX_REPLY + 1))})
    assert caught.value.errors[0]["attr"] == "steps[1].reply"
    assert not Attempt.objects.exists()


def test_the_site_quiz_form_stores_no_answer_over_the_cap(academy, student):
    quiz = import_exercise(academy, document=QUIZ, visibility="practice")
    response = signed_in(student).post(reverse("frontend:quiz-submit", args=[quiz.pk]),
                                       {"q-q1": "b", "q-q2": "w" * 30_000})
    assert response.status_code == 302
    stored = Attempt.objects.get().answers["answers"]
    assert len(stored["q2"]) <= MAX_REPLY


def test_an_unknown_key_in_a_whole_path_step_is_a_400_at_the_key_and_stores_nothing(world):
    client = client_for(world["actors"]["learner"])
    response = client.post(f"/api/v1/exercises/{world['exercise'].pk}/attempts/",
                           {"steps": path_with_reply(PASSING_PATH[1]["reply"], note="Amina, 14, Lyon")},
                           format="json")
    assert response.status_code == 400
    assert [(e["attr"], e["code"]) for e in response.json()["errors"]] == [("steps[1].note", "unknown_field")]
    assert not Attempt.objects.exclude(pk=world["ids"]["attempt_id"]).exists()
    assert "Amina" not in json.dumps(list(Attempt.objects.values_list("answers", flat=True)))


def test_an_unknown_key_in_a_step_is_a_400_at_the_key_and_changes_nothing(world):
    client = client_for(world["actors"]["learner"])
    attempt_id = world["ids"]["attempt_id"]
    response = client.post(f"/api/v1/attempts/{attempt_id}/steps/", {"choice": "ask", "note": "Amina"},
                           format="json")
    assert response.status_code == 400
    assert [(e["attr"], e["code"]) for e in response.json()["errors"]] == [("note", "unknown_field")]
    attempt = Attempt.objects.get(pk=attempt_id)
    assert attempt.current_node == "open" and attempt.answers == {"steps": []}


def test_a_shape_refusal_counts_as_a_refused_path(world):
    client = client_for(world["actors"]["learner"])
    client.post(f"/api/v1/exercises/{world['exercise'].pk}/attempts/",
                {"steps": path_with_reply("fine words for the farmers", note="x")}, format="json")
    assert RefusedPath.objects.count() == 1
