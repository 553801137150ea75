"""GET /api/v1/exercises/{id}/statistics/: the spec's numbers for a version, or for one class's
attempts; its parameters refused in the error shape. Who may call it: tests/api/test_authorization.py."""
import pytest

from assessments import services
from assessments.grading.statistics import attempt_path, scenario_statistics
from assessments.models import Attempt
from courses import services as course_services

from ..conftest import as_user, error_codes
from ..factories import (
    CRITICAL_PATH,
    PASSING_PATH,
    SPEC_PATH,
    SPEC_SCENARIO,
    course_modules,
    import_exercise,
    later,
    make_course,
    make_user,
    verify_teacher,
)

PATHS = [PASSING_PATH, SPEC_PATH, CRITICAL_PATH]


def graded(exercise, learner, path):
    attempt, _ = services.attempt_submit(exercise=exercise, learner=learner, answers={"steps": path})
    services.attempt_grade(attempt_id=attempt.pk)
    return Attempt.objects.get(pk=attempt.pk)


@pytest.fixture
def exercise(academy):
    return import_exercise(academy)


@pytest.fixture
def attempts(exercise):
    return [graded(exercise, make_user(), PATHS[i % 3]) for i in range(12)]


def url(exercise, query=""):
    return f"/api/v1/exercises/{exercise.pk}/statistics/{query}"


def test_staff_read_the_specs_numbers_for_the_current_version(exercise, attempts, staff):
    body = as_user(staff).get(url(exercise)).json()
    rows = [{"overall": a.result["overall"], "path": attempt_path(a.answers, a.result)} for a in attempts]
    expected = scenario_statistics(SPEC_SCENARIO, rows)
    assert body["version"] == 1 and body["kind"] == "scenario" and body["attempts"] == 12
    assert body["nodes"] == expected["nodes"]
    opening = body["nodes"][0]
    assert opening["reached"] == 12
    assert [c["share"] for c in opening["choices"]] == [8 / 12, 4 / 12]
    # 12 reached, groups of 3: the three best passed by asking, the three worst threatened.
    assert [c["discrimination"] for c in opening["choices"]] == [1.0, -1.0]


def test_an_older_version_is_read_with_version(exercise, attempts, staff, academy):
    changed = {**SPEC_SCENARIO, "title": "A river in a dry year (2)"}
    import_exercise(academy, document=changed)
    client = as_user(staff)
    assert client.get(url(exercise)).json()["attempts"] == 0
    older = client.get(url(exercise, "?version=1")).json()
    assert (older["version"], older["attempts"]) == (1, 12)


@pytest.mark.parametrize("query, attr", [("?version=7", "version"), ("?version=abc", "version"),
                                          ("?version=0", "version"), ("?class=x", "class")])
def test_bad_parameters_are_a_400_in_the_error_shape(exercise, staff, query, attr):
    response = as_user(staff).get(url(exercise, query))
    assert response.status_code == 400
    assert error_codes(response) and response.json()["errors"][0]["attr"] == attr


def test_a_teacher_reads_only_their_classs_attempts(exercise, academy, attempts, staff):
    course = make_course(academy, modules=1, lessons=1, exercises_in={(0, 0): [exercise.pk]})
    module = course_modules(course)[0]
    teacher = make_user(role="teacher")
    verify_teacher(teacher, by=staff)
    school_class = course_services.class_create(teacher=teacher, name="9B")
    members = [make_user() for _ in range(2)]
    for member in members:
        course_services.enrol(learner=member, course=course)
        course_services.class_join(student=member, join_code=school_class.join_code)
    course_services.assignment_create(actor=teacher, school_class=school_class, module_id=module.pk,
                                      due_at=later(7))
    graded(exercise, members[0], PASSING_PATH)
    graded(exercise, members[1], CRITICAL_PATH)
    body = as_user(teacher).get(url(exercise, f"?class={school_class.pk}")).json()
    assert body["attempts"] == 2
    assert body["nodes"][0]["choices"][0] == {"id": "ask", "count": 1, "share": 0.5, "discrimination": None}
    assert as_user(teacher).get(url(exercise)).status_code == 404  # all attempts: staff only


def test_in_progress_attempts_show_where_they_stopped(exercise, attempts, staff):
    for _ in range(5):
        services.attempt_start(exercise=exercise, learner=make_user())
    body = as_user(staff).get(url(exercise)).json()
    assert body["stopped"] == [{"node": "open", "count": 5}]
    assert {"kind": "stops", "node": "open", "count": 5} in body["flags"]


def test_the_queries_do_not_grow_with_the_attempts(exercise, attempts, staff, django_assert_num_queries):
    # The exercise, the caller's academies, the version, the reach per node and score, the items'
    # totals (summed by the database), the attempts tied at the group boundaries (one UNION), the
    # stops: 7, with 12 attempts as with 54.
    client = as_user(staff)
    with django_assert_num_queries(7):
        client.get(url(exercise))
    for i in range(42):
        graded(exercise, make_user(), PATHS[i % 3])
    with django_assert_num_queries(7):
        client.get(url(exercise))
