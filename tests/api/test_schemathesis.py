"""Schemathesis drives every operation in /api/v1/schema/ with generated requests,
as anonymous and as a signed-in learner (bearer token), inside this process
through WSGI against the test database.

Every answer must be no 5xx, with a documented status, content type, headers
and body. Half the generated requests use ids of real records (a course, its
lessons, an exercise, an attempt, a class, an assignment), so the answers are
not only 404s. Examples per operation are bounded and derandomised, so the
run is the same each time and fits in CI.
"""
import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.models import Role
from accounts.services import token_issue
from assessments.models import Attempt, Exercise
from assessments.services import attempt_start, attempt_submit
from courses.services import assignment_create, class_create, class_join, enrol

from ..factories import (
    PASSING_PATH,
    QUIZ,
    SPEC_SCENARIO,
    course_lessons,
    course_modules,
    import_exercise,
    later,
    make_academy,
    make_course,
    make_staff,
    make_user,
)
from .conftest import operation_template

EXAMPLES_PER_OPERATION = 12
LEARNER_SUCCEEDS = {
    "GET /api/v1/me/", "GET /api/v1/me/progress/", "GET /api/v1/courses/", "GET /api/v1/courses/{course_id}/",
    "POST /api/v1/courses/{course_id}/enrol/", "GET /api/v1/courses/{course_id}/progress/",
    "GET /api/v1/lessons/{lesson_id}/", "POST /api/v1/lessons/{lesson_id}/complete/",
    "GET /api/v1/exercises/{exercise_id}/", "GET /api/v1/exercises/{exercise_id}/attempts/",
    "POST /api/v1/exercises/{exercise_id}/attempts/", "GET /api/v1/attempts/{attempt_id}/",
    "GET /api/v1/me/competencies/", "GET /api/v1/search/",
}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]
MODES = [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE]


class InProcess:
    """Django as a WSGI app that keeps the test's connection (and its transaction) open.

    Django's own handler closes connections it finds inside a transaction when a
    request starts and ends; its test client switches that off the same way.
    """

    def __init__(self):
        self.handler = WSGIHandler()
        self.answered: list[tuple[str, str, int]] = []  # method, path, status

    def __call__(self, environ, start_response):
        def record(status, headers, *args):
            self.answered.append((environ["REQUEST_METHOD"], environ["PATH_INFO"], int(status.split()[0])))
            return start_response(status, headers, *args)

        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            response = self.handler(environ, record)
            body = b"".join(response)
            response.close()
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
        return [body]


@pytest.fixture(scope="module")
def api_schema():
    return schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", InProcess())


@pytest.fixture
def learner(db):
    """A learner with records of every kind the API serves, and ids to aim at."""
    academy = make_academy()
    exercise = import_exercise(academy, visibility="practice")
    course = make_course(academy, modules=1, lessons=2, exercises_in={(0, 0): [exercise.pk]})
    learner = make_user(Role.STUDENT)
    enrol(learner=learner, course=course)
    attempt, _ = attempt_start(exercise=exercise, learner=learner)
    attempt_submit(exercise=exercise, learner=learner, answers={"steps": PASSING_PATH})
    teacher = make_user(Role.TEACHER)
    school_class = class_create(teacher=teacher, name="Year 10")
    class_join(student=learner, join_code=school_class.join_code)
    assignment, _ = assignment_create(actor=teacher, school_class=school_class, module_id=course_modules(course)[0].pk,
                                      due_at=later())
    make_staff(academy)
    learner.known_ids = {
        "course_id": str(course.pk), "lesson_id": str(course_lessons(course)[0].pk),
        "exercise_id": str(exercise.pk), "attempt_id": str(attempt.pk), "class_id": str(school_class.pk),
        "assignment_id": str(assignment.pk), "student_id": learner.pk,
    }
    return learner


def requests_for(operation, known_ids: dict):
    """Generated requests, half of them aimed at real records."""
    names = [p.name for p in operation.path_parameters]
    real = {name: known_ids[name] for name in names if name in known_ids}
    strategies = []
    for mode in MODES:
        strategies.append(operation.as_strategy(generation_mode=mode))
        if real:
            strategies.append(operation.as_strategy(generation_mode=mode, path_parameters=real))
    return st.one_of(strategies)


def run_operation(operation, known_ids: dict, headers: dict) -> None:
    @given(case=requests_for(operation, known_ids))
    @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    def run(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()


def exercise_every_operation(api_schema, known_ids: dict, headers_for) -> list[str]:
    failures = []
    for result in api_schema.get_all_operations():
        operation = result.ok()
        try:
            # A fresh token each time: signing out revokes the one it is sent with.
            run_operation(operation, known_ids, headers_for())
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - one run reports every operation at fault
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    return failures


def test_anonymous_requests_conform_to_the_schema(api_schema, learner):
    failures = exercise_every_operation(api_schema, learner.known_ids, dict)
    assert not failures, "\n\n".join(failures)


def test_learner_requests_conform_to_the_schema(api_schema, learner):
    def bearer():
        return {"Authorization": f"Bearer {token_issue(user=learner)}"}

    app = api_schema.app
    app.answered.clear()
    failures = exercise_every_operation(api_schema, learner.known_ids, bearer)
    assert not failures, "\n\n".join(failures)
    # Not only refusals: the learner's own operations were reached and answered.
    succeeded = {f"{method} {operation_template(path)}" for method, path, status in app.answered
                 if 200 <= status < 300}
    assert LEARNER_SUCCEEDS <= succeeded, LEARNER_SUCCEEDS - succeeded


# --- what schemathesis found, kept as plain examples ---------------------------------


@pytest.mark.parametrize("query", [{"language": "en\x00"}, {"lang": "\x00"}, {"level": "a\x00"},
                                   {"competency": "\x00"}, {"q": "river\x00"}])
def test_a_nul_character_in_a_course_list_parameter_is_a_400(api, db, query):
    # PostgreSQL cannot compare strings holding NUL: this was a 500 there.
    response = api.get("/api/v1/courses/", query)
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == next(iter(query))


def test_a_nul_character_in_a_search_is_a_400(api, db):
    assert api.get("/api/v1/search/", {"q": "river\x00"}).status_code == 400


def test_a_nul_character_in_submitted_answers_is_refused_and_stores_nothing(learner):
    client = APIClient()
    client.force_authenticate(learner)
    exercise_id = learner.known_ids["exercise_id"]
    before = Attempt.objects.count()
    for body in ({"steps": [{"node": "open\x00", "choice": "ask"}]}, {"answers": {"q1": "\x00"}},
                 {"steps": [{"node": "open", "choice": "ask", "note\x00": 1}]}):
        response = client.post(f"/api/v1/exercises/{exercise_id}/attempts/", body, format="json")
        assert response.status_code == 400, response.content
    assert Attempt.objects.count() == before


def test_a_nul_character_in_a_quiz_answer_is_a_400_and_stores_nothing(academy):
    # PostgreSQL cannot hold U+0000 in jsonb: this was a 500 there.
    quiz = import_exercise(academy, document=QUIZ, visibility="practice")
    client = APIClient()
    client.force_authenticate(make_user(Role.STUDENT))
    response = client.post(f"/api/v1/exercises/{quiz.pk}/attempts/",
                           {"answers": {"q1": ["b"], "q2": "batna\x00"}}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0] == {"code": "null_characters_not_allowed",
                                            "detail": "Text may not contain NUL characters.",
                                            "attr": "answers.q2"}
    assert not Attempt.objects.exists()


def test_a_nul_character_in_an_imported_document_is_a_400_and_stores_nothing(staff):
    client = APIClient()
    client.force_authenticate(staff)
    document = {**SPEC_SCENARIO, "nodes": [*SPEC_SCENARIO["nodes"][:-1], {**SPEC_SCENARIO["nodes"][-1],
                                                                           "text": "They\x00 walk out."}]}
    response = client.post("/api/v1/exercises/import/", document, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == f"nodes[{len(document['nodes']) - 1}].text"
    assert not Exercise.objects.exists()
