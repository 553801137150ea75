"""Who may call what: one table, every API v1 endpoint, eight actors.

Each cell is one test: the expected status for that actor. Refusals carry the
API error shape and change nothing (every learning-record, assessment and
account table is compared before and after). The rules the table encodes:
anyone reads the published catalogue; a learner sees only their own records;
a teacher only their own classes and those classes' students; academy staff
only their academy's exercises and attempts; an admin everything. A refused
read of another's record is a 404, so ids cannot be probed; a role that may
never call the endpoint gets a 403; no credentials, a 401.
"""
import copy
import re
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from assessments import services as assessment_services
from assessments.models import Attempt
from courses import services as course_services
from courses.models import Assignment, ClassMembership, SchoolClass

from ..conftest import as_user, error_codes
from ..factories import (
    CRITICAL_PATH,
    PASSING_PATH,
    SPEC_PATH,
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

ACTORS = ["anonymous", "learner", "other_learner", "teacher", "other_teacher", "staff", "other_staff", "admin"]

# Every table of the apps that keep records (accounts, courses, assessments; the
# audit log too): a refused request must leave each as it was.
RECORD_APPS = ("accounts", "courses", "assessments")


@dataclass
class World:
    users: dict
    ids: dict
    values: dict = field(default_factory=dict)


def build_world() -> World:
    """Two academies, a course with an embedded course-only exercise, a class
    whose teacher assigned its first module, and the learner's attempts in
    each state an endpoint needs (graded, in progress, failed)."""
    academy, elsewhere = make_academy(), make_academy()
    exercise = import_exercise(academy, visibility="course")
    course = make_course(academy, modules=2, lessons=2, exercises_in={(0, 0): [exercise.pk]})
    lessons, modules = course_lessons(course), course_modules(course)
    users = {
        "learner": make_user(Role.STUDENT),
        "other_learner": make_user(Role.STUDENT),
        "teacher": make_user(Role.TEACHER),
        "other_teacher": make_user(Role.TEACHER),
        "staff": make_staff(academy),
        "other_staff": make_staff(elsewhere),
        "admin": make_user(Role.ADMIN),
    }
    learner = users["learner"]
    course_services.enrol(learner=learner, course=course)
    course_services.lesson_complete(learner=learner, lesson_id=lessons[1].pk)
    school_class = course_services.class_create(teacher=users["teacher"], name="9B")
    course_services.class_join(student=learner, join_code=school_class.join_code)
    course_services.class_create(teacher=users["other_teacher"], name="9C")  # a class of their own to list
    assignment, _ = course_services.assignment_create(school_class=school_class, module_id=modules[0].pk,
                                                      due_at=later(7))

    graded, _ = assessment_services.attempt_submit(exercise=exercise, learner=learner, answers={"steps": SPEC_PATH})
    assessment_services.attempt_grade(attempt_id=graded.pk)
    failed, _ = assessment_services.attempt_submit(exercise=exercise, learner=learner,
                                                   answers={"steps": CRITICAL_PATH})
    Attempt.objects.filter(pk=failed.pk).update(status=Attempt.Status.FAILED, last_error="engine crashed")
    in_progress, _ = assessment_services.attempt_start(exercise=exercise, learner=learner)
    batch = assessment_services.regrade_start(version=exercise.current_version, actor=users["staff"])

    return World(users=users, ids={
        "course": course.pk, "lesson": lessons[0].pk, "exercise": exercise.pk, "attempt": graded.pk,
        "open_attempt": in_progress.pk, "failed_attempt": failed.pk, "batch": batch.pk, "class": school_class.pk,
        "assignment": assignment.pk, "learner": learner.pk,
    }, values={
        "join_code": school_class.join_code, "other_module": modules[1].pk,
        "learner_username": learner.username, "other_learner_username": users["other_learner"].username,
    })


def snapshot() -> dict:
    models = [m for label in RECORD_APPS for m in apps.get_app_config(label).get_models()]
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in models}


# --- the table -----------------------------------------------------------------------------------

ANYONE = dict.fromkeys(ACTORS, 200)


def signed_in(status: int) -> dict:
    return {**dict.fromkeys(ACTORS, status), "anonymous": 401}


def learners_own(status: int, staff_too: bool = True) -> dict:
    """Who may attempt the course exercise: its enrolled learner, its academy's staff (preview), an admin."""
    cells = {**dict.fromkeys(ACTORS, 404), "anonymous": 401, "learner": status}
    if staff_too:
        cells.update(staff=status, admin=status)
    return cells


def academy_staff(status: int) -> dict:
    """Staff-only endpoints on one academy's exercise: other academies probe and get 404."""
    return {**dict.fromkeys(ACTORS, 403), "anonymous": 401, "staff": status, "other_staff": 404, "admin": status}


def attempt_readers(status: int) -> dict:
    """An attempt: its learner, their class's teacher, its academy's staff, an admin."""
    return {**dict.fromkeys(ACTORS, 404), "anonymous": 401, "learner": status, "teacher": status, "staff": status,
            "admin": status}


def teachers(status: int) -> dict:
    """Teacher-only endpoints without an object."""
    return {**dict.fromkeys(ACTORS, 403), "anonymous": 401, "teacher": status, "other_teacher": status,
            "admin": status}


def class_owner(status: int) -> dict:
    """A class and everything under it: its teacher (and an admin); another teacher probes and gets 404."""
    return {**dict.fromkeys(ACTORS, 403), "anonymous": 401, "teacher": status, "other_teacher": 404,
            "admin": status}


def enrolled_learner(status: int) -> dict:
    return {**dict.fromkeys(ACTORS, 403), "anonymous": 401, "learner": status}


SCENARIO_COPY = {**copy.deepcopy(SPEC_SCENARIO), "slug": "authz-import", "visibility": "practice"}

# (method, path template, label, body builder, expected status per actor)
TABLE = [
    ("GET", "/api/v1/health/", "", None, ANYONE),
    ("GET", "/api/v1/schema/", "", None, ANYONE),
    ("GET", "/api/v1/docs/", "", None, ANYONE),
    ("POST", "/api/v1/auth/register/", "", lambda w, actor: {
        "username": f"new-{actor}", "email": f"new-{actor}@example.org", "password": "pw-Secret-456"},
        dict.fromkeys(ACTORS, 201)),
    ("POST", "/api/v1/auth/token/", "", lambda w, actor: {
        "username": w.values["learner_username"], "password": "pw-Secret-123"}, ANYONE),
    ("POST", "/api/v1/auth/logout/", "", None, signed_in(204)),
    ("GET", "/api/v1/me/", "", None, signed_in(200)),
    ("DELETE", "/api/v1/me/", "", lambda w, actor: {"password": "pw-Secret-123"},
     {**signed_in(204), "staff": 403, "other_staff": 403, "admin": 403}),  # managed accounts close through an admin
    ("GET", "/api/v1/me/export/", "", None, signed_in(200)),
    ("GET", "/api/v1/me/progress/", "", None, signed_in(200)),
    ("GET", "/api/v1/me/competencies/", "", None, signed_in(200)),
    # each member of staff reads the audit log of their own academies: a list, so no one probes
    ("GET", "/api/v1/audit/", "", None,
     {**dict.fromkeys(ACTORS, 403), "anonymous": 401, "staff": 200, "other_staff": 200, "admin": 200}),
    # catalogue and progress
    ("GET", "/api/v1/courses/", "", None, ANYONE),
    ("GET", "/api/v1/courses/{course}/", "", None, ANYONE),
    ("POST", "/api/v1/courses/{course}/enrol/", "", None, {**signed_in(201), "learner": 200}),
    ("GET", "/api/v1/courses/{course}/progress/", "", None, enrolled_learner(200)),
    ("GET", "/api/v1/lessons/{lesson}/", "", None, ANYONE),
    ("POST", "/api/v1/lessons/{lesson}/complete/", "", None, enrolled_learner(201)),
    ("GET", "/api/v1/search/?q=Course", "", None, ANYONE),
    # exercises and attempts
    ("POST", "/api/v1/exercises/import/", "", lambda w, actor: SCENARIO_COPY,
     {**dict.fromkeys(ACTORS, 403), "anonymous": 401, "staff": 201, "other_staff": 201, "admin": 201}),
    ("GET", "/api/v1/exercises/{exercise}/", "", None, learners_own(200)),
    ("GET", "/api/v1/exercises/{exercise}/export/", "", None, academy_staff(200)),
    ("GET", "/api/v1/exercises/{exercise}/attempts/", "", None, learners_own(200)),
    ("POST", "/api/v1/exercises/{exercise}/attempts/", "start", None, learners_own(201)),
    ("POST", "/api/v1/exercises/{exercise}/attempts/", "whole path", lambda w, actor: {"steps": PASSING_PATH},
     learners_own(202)),
    ("POST", "/api/v1/exercises/{exercise}/regrade/", "", None, academy_staff(202)),
    ("GET", "/api/v1/regrades/{batch}/", "", None, academy_staff(200)),
    ("GET", "/api/v1/attempts/{attempt}/", "", None, attempt_readers(200)),
    ("POST", "/api/v1/attempts/{open_attempt}/steps/", "", lambda w, actor: {"choice": "ask"},
     learners_own(200, staff_too=False)),
    ("POST", "/api/v1/attempts/{attempt}/override/", "",
     lambda w, actor: {"node": "reply1", "avoided": [], "reason": "Quoting them, not blaming."},
     {**attempt_readers(200), "learner": 403, "other_learner": 403}),
    ("GET", "/api/v1/attempts/{attempt}/history/", "", None, attempt_readers(200)),
    ("POST", "/api/v1/attempts/{failed_attempt}/retry/", "", None, academy_staff(202)),
    # classes
    ("GET", "/api/v1/classes/", "", None, teachers(200)),
    ("POST", "/api/v1/classes/", "", lambda w, actor: {"name": "10A"}, teachers(201)),
    ("POST", "/api/v1/classes/join/", "", lambda w, actor: {"join_code": w.values["join_code"]},
     {**dict.fromkeys(ACTORS, 403), "anonymous": 401, "learner": 200, "other_learner": 201}),
    ("GET", "/api/v1/classes/{class}/", "", None, class_owner(200)),
    ("PATCH", "/api/v1/classes/{class}/", "rename", lambda w, actor: {"name": "9B (renamed)"}, class_owner(200)),
    ("PATCH", "/api/v1/classes/{class}/", "archive", lambda w, actor: {"archived": True}, class_owner(200)),
    ("POST", "/api/v1/classes/{class}/rotate-code/", "", None, class_owner(200)),
    ("GET", "/api/v1/classes/{class}/students/", "", None, class_owner(200)),
    ("POST", "/api/v1/classes/{class}/students/", "",
     lambda w, actor: {"student": w.values["other_learner_username"]}, class_owner(201)),
    ("DELETE", "/api/v1/classes/{class}/students/{learner}/", "", None, class_owner(204)),
    ("GET", "/api/v1/classes/{class}/assignments/", "", None, class_owner(200)),
    ("POST", "/api/v1/classes/{class}/assignments/", "",
     lambda w, actor: {"module": w.values["other_module"], "due_at": later(14).isoformat()}, class_owner(201)),
    ("PATCH", "/api/v1/classes/{class}/assignments/{assignment}/", "",
     lambda w, actor: {"due_at": later(10).isoformat()}, class_owner(200)),
    ("DELETE", "/api/v1/classes/{class}/assignments/{assignment}/", "", None, class_owner(204)),
    ("POST", "/api/v1/classes/{class}/assignments/{assignment}/extensions/", "",
     lambda w, actor: {"student": w.ids["learner"], "due_at": later(21).isoformat()}, class_owner(200)),
    ("GET", "/api/v1/classes/{class}/progress/", "", None, class_owner(200)),
    ("GET", "/api/v1/classes/{class}/progress.csv", "", None, class_owner(200)),
    ("GET", "/api/v1/classes/{class}/at-risk/", "", None, class_owner(200)),
    ("GET", "/api/v1/classes/{class}/replies/", "", None, class_owner(200)),
]


def cells():
    for method, path, label, body, expected in TABLE:
        assert set(expected) == set(ACTORS), (method, path)
        endpoint = f"{method} {path}" + (f" {label}" if label else "")
        for actor in ACTORS:
            yield pytest.param(method, path, body, actor, expected[actor],
                               id=f"{endpoint}-{actor}-{expected[actor]}")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module (publishing pages is slow); each test runs in a
    savepoint inside this transaction (the `db` fixture), so its writes vanish."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


def client_for(world, actor):
    if actor == "anonymous":
        return as_user(None)
    return as_user(User.objects.get(pk=world.users[actor].pk))  # fresh: no state carried between tests


@pytest.mark.parametrize("method, path, body, actor, expected", list(cells()))
def test_access(db, world, method, path, body, actor, expected):
    client = client_for(world, actor)
    url = path.format(**world.ids)
    data = body(world, actor) if body else None
    before = snapshot()

    response = getattr(client, method.lower())(url, data, format="json")

    assert response.status_code == expected, (response.status_code, response.content[:500])
    if expected >= 400:
        codes = error_codes(response)
        assert codes, response.json()
        assert snapshot() == before, "a refused request changed something"


def probes():
    for method, path, label, body, expected in TABLE:
        actor = next((a for a in ACTORS if expected[a] == 404), None)
        if actor is not None:
            endpoint = f"{method} {path}" + (f" {label}" if label else "")
            yield pytest.param(method, path, body, actor, id=f"{endpoint}-{actor}")


@pytest.mark.parametrize("method, path, body, actor", list(probes()))
def test_anothers_record_answers_exactly_like_a_missing_one(db, world, method, path, body, actor):
    """Nothing in a refusal tells whether the id exists: same status, same body."""
    client = client_for(world, actor)
    data = body(world, actor) if body else None
    probed = getattr(client, method.lower())(path.format(**world.ids), data, format="json")
    missing = getattr(client, method.lower())(path.format(**dict.fromkeys(world.ids, 987654321)), data,
                                              format="json")
    assert (probed.status_code, probed.json()) == (missing.status_code, missing.json()) == (404, probed.json())


def test_the_table_covers_every_api_route_and_method():
    """A new endpoint or method cannot slip in without a row: every route in api/urls.py has one per method."""
    from api.urls import urlpatterns

    def shape(path):
        return re.sub(r"\{[^}]+\}", "{}", re.sub(r"<[^>]+>", "{}", path).split("?")[0])

    routed = set()
    for pattern in urlpatterns:
        route = str(pattern.pattern)
        view = getattr(pattern.callback, "view_class", None)
        if route.startswith("^") or view is None:
            continue  # the JSON 404 catch-all
        for method in ("get", "post", "put", "patch", "delete"):
            if hasattr(view, method):
                routed.add((method.upper(), shape("/api/v1/" + route)))
    covered = {(method, shape(path)) for method, path, *_ in TABLE}
    assert routed - covered == set()


def test_another_teachers_class_list_and_others_records_stay_out_of_lists(db, world):
    """Lists filter by owner: 200 for everyone who may list, but never with others' rows."""
    other_teacher = client_for(world, "other_teacher").get("/api/v1/classes/").json()
    assert world.ids["class"] not in [c["id"] for c in other_teacher["results"]]
    assert client_for(world, "teacher").get("/api/v1/classes/").json()["count"] == 1
    staff_attempts = client_for(world, "staff").get(f"/api/v1/exercises/{world.ids['exercise']}/attempts/")
    assert staff_attempts.json()["count"] == 0  # their own (none), not the learner's
    other_progress = client_for(world, "other_learner").get("/api/v1/me/progress/").json()
    assert other_progress["count"] == 0
    assert client_for(world, "learner").get("/api/v1/me/progress/").json()["count"] == 1


def test_a_refused_write_by_another_teacher_leaves_the_class_as_it_was(db, world):
    """The snapshot the table compares would show these; this names them for a reader."""
    klass = SchoolClass.objects.get(pk=world.ids["class"])
    intruder = client_for(world, "other_teacher")
    assert intruder.post(f"/api/v1/classes/{klass.pk}/rotate-code/").status_code == 404
    assert intruder.patch(f"/api/v1/classes/{klass.pk}/", {"archived": True}, format="json").status_code == 404
    assert intruder.delete(f"/api/v1/classes/{klass.pk}/students/{world.ids['learner']}/").status_code == 404
    klass.refresh_from_db()
    assert (klass.join_code, klass.archived_at) == (world.values["join_code"], None)
    assert ClassMembership.objects.filter(school_class=klass, student_id=world.ids["learner"]).exists()
    assert Assignment.objects.get(pk=world.ids["assignment"]).due_at > timezone.now()
