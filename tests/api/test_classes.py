"""Classes: join codes, roster, assignments, extensions, the progress matrix."""
import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import AuditEvent, Role
from courses.models import Assignment, ClassMembership, Enrolment, LessonRead, SchoolClass

from ..conftest import as_user, error_codes
from ..factories import course_lessons, course_modules, later, make_course, make_user


@pytest.fixture
def course(academy):
    return make_course(academy, modules=2, lessons=3)


@pytest.fixture
def klass(teacher):
    return SchoolClass.objects.get(pk=as_user(teacher).post("/api/v1/classes/", {"name": "9B"}, format="json")
                                   .json()["id"])


def join(student, code):
    return as_user(student).post("/api/v1/classes/join/", {"join_code": code}, format="json")


def assign(teacher, klass, module, due_at=None):
    """Assign through the API; a due date in the past (which the API refuses) is set on the row after."""
    response = as_user(teacher).post(f"/api/v1/classes/{klass.pk}/assignments/",
                                     {"module": module.pk, "due_at": later().isoformat() if due_at is None or
                                      due_at <= timezone.now() else due_at.isoformat()}, format="json")
    if due_at is not None and due_at <= timezone.now():
        Assignment.objects.filter(pk=response.json()["id"]).update(due_at=due_at)
    return response


def test_teacher_creates_a_class_with_an_unguessable_code(teacher):
    body = as_user(teacher).post("/api/v1/classes/", {"name": "Year 10"}, format="json").json()
    assert len(body["join_code"]) == 10 and body["name"] == "Year 10"


def test_a_student_cannot_create_a_class(student):
    assert as_user(student).post("/api/v1/classes/", {"name": "x"}, format="json").status_code == 403
    assert not SchoolClass.objects.exists()


def test_joining_is_idempotent(klass, student):
    assert join(student, klass.join_code).status_code == 201
    assert join(student, klass.join_code).status_code == 200
    assert ClassMembership.objects.count() == 1


def test_an_unknown_code_is_refused(student, db):
    response = join(student, "NOPE")
    assert response.status_code == 404
    assert error_codes(response) == ["invalid_join_code"]


def test_a_rotated_code_replaces_the_old_one(klass, teacher, student):
    old = klass.join_code
    new = as_user(teacher).post(f"/api/v1/classes/{klass.pk}/rotate-code/").json()["join_code"]
    assert new != old
    assert join(student, old).status_code == 404
    assert join(student, new).status_code == 201


def test_an_archived_class_cannot_be_joined(klass, teacher, student):
    as_user(teacher).patch(f"/api/v1/classes/{klass.pk}/", {"archived": True}, format="json")
    assert join(student, klass.join_code).status_code == 404


def test_assigning_a_module_enrols_the_class(klass, teacher, student, course):
    join(student, klass.join_code)
    assert assign(teacher, klass, course_modules(course)[0]).status_code == 201
    assert Enrolment.objects.filter(learner=student, course=course, source="class").exists()


def test_a_student_joining_later_is_enrolled_in_assigned_courses(klass, teacher, student, course):
    assign(teacher, klass, course_modules(course)[0])
    join(student, klass.join_code)
    assert Enrolment.objects.filter(learner=student, course=course).exists()


def test_assignment_create_is_idempotent_per_module(klass, teacher, course):
    module = course_modules(course)[0]
    assert assign(teacher, klass, module).status_code == 201
    assert assign(teacher, klass, module).status_code == 200
    assert klass.assignments.count() == 1


def test_assignment_of_an_unknown_module_is_refused(klass, teacher, db):
    response = as_user(teacher).post(f"/api/v1/classes/{klass.pk}/assignments/",
                                     {"module": 999999, "due_at": later().isoformat()}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "module"


def test_a_teacher_cannot_add_a_learner_to_the_roster(klass, teacher, student):
    response = as_user(teacher).post(f"/api/v1/classes/{klass.pk}/students/", {"student": student.email},
                                     format="json")
    assert response.status_code == 405
    assert not ClassMembership.objects.exists()


def test_the_roster_shows_display_names_and_no_email(klass, teacher, student):
    join(student, klass.join_code)
    rows = as_user(teacher).get(f"/api/v1/classes/{klass.pk}/students/").json()["results"]
    assert rows == [{"id": student.pk, "username": student.username, "joined_at": rows[0]["joined_at"]}]
    assert student.email not in str(rows)


def test_removing_a_student_is_audited(klass, teacher, student):
    join(student, klass.join_code)
    assert as_user(teacher).delete(f"/api/v1/classes/{klass.pk}/students/{student.pk}/").status_code == 204
    assert not ClassMembership.objects.exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.CLASS_STUDENT_REMOVED)
    assert (event.actor_id, event.target_id, event.data) == (teacher.pk, str(klass.pk), {"student": student.pk})


def test_matrix_shows_module_percent_and_overdue(klass, teacher, student, course):
    join(student, klass.join_code)
    module = course_modules(course)[0]
    assign(teacher, klass, module, due_at=timezone.now() - timezone.timedelta(days=1))
    for lesson in course_lessons(course)[:1]:
        LessonRead.objects.create(learner=student, lesson=lesson)
    body = as_user(teacher).get(f"/api/v1/classes/{klass.pk}/progress/").json()
    cell = body["students"][0]["modules"][0]
    assert body["students"][0]["username"] == student.username
    assert (cell["id"], cell["percent"], cell["overdue"]) == (module.pk, 33.3, True)


def test_an_extension_lifts_overdue_for_that_student(klass, teacher, student, course):
    join(student, klass.join_code)
    assignment_id = assign(teacher, klass, course_modules(course)[0],
                           due_at=timezone.now() - timezone.timedelta(days=1)).json()["id"]
    response = as_user(teacher).post(f"/api/v1/classes/{klass.pk}/assignments/{assignment_id}/extensions/",
                                     {"student": student.pk, "due_at": later().isoformat()}, format="json")
    assert response.status_code == 200
    cell = as_user(teacher).get(f"/api/v1/classes/{klass.pk}/progress/").json()["students"][0]["modules"][0]
    assert cell["overdue"] is False


def test_a_complete_module_is_never_overdue(klass, teacher, student, course):
    join(student, klass.join_code)
    assign(teacher, klass, course_modules(course)[0], due_at=timezone.now() - timezone.timedelta(days=1))
    for lesson in course_lessons(course)[:3]:
        LessonRead.objects.create(learner=student, lesson=lesson)
    cell = as_user(teacher).get(f"/api/v1/classes/{klass.pk}/progress/").json()["students"][0]["modules"][0]
    assert (cell["percent"], cell["overdue"]) == (100.0, False)


def test_csv_export_has_a_row_per_student_and_module(klass, teacher, student, course):
    join(student, klass.join_code)
    assign(teacher, klass, course_modules(course)[0])
    assign(teacher, klass, course_modules(course)[1])
    response = as_user(teacher).get(f"/api/v1/classes/{klass.pk}/progress.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:5] == ["student_id", "username", "module_id", "module", "percent"]
    assert len(rows) == 3


def test_csv_neutralises_formulas_in_names(klass, teacher, course):
    student = make_user(username="=cmd")
    join(student, klass.join_code)
    assign(teacher, klass, course_modules(course)[0])
    text = as_user(teacher).get(f"/api/v1/classes/{klass.pk}/progress.csv").content.decode()
    assert ",'=cmd," in text


def test_students_at_risk_lists_overdue_and_inactive(klass, teacher, student, course):
    join(student, klass.join_code)
    assign(teacher, klass, course_modules(course)[0], due_at=timezone.now() - timezone.timedelta(days=1))
    rows = as_user(teacher).get(f"/api/v1/classes/{klass.pk}/at-risk/?days=3").json()["results"]
    assert rows[0]["username"] == student.username and rows[0]["overdue_modules"]


def test_another_teacher_gets_404_for_every_class_endpoint(klass, course):
    other = as_user(make_user(Role.TEACHER))
    for url in ("", "progress/", "progress.csv", "students/", "assignments/", "at-risk/", "replies/"):
        assert other.get(f"/api/v1/classes/{klass.pk}/{url}").status_code == 404, url


def test_a_student_cannot_read_the_matrix(klass, student):
    join(student, klass.join_code)
    assert as_user(student).get(f"/api/v1/classes/{klass.pk}/progress/").status_code == 403


def matrix_queries(teacher, klass, suffix="progress/") -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert as_user(teacher).get(f"/api/v1/classes/{klass.pk}/{suffix}").status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("suffix", ["progress/", "progress.csv"])
def test_matrix_query_count_does_not_grow(teacher, academy, suffix):
    counts = []
    for students, modules in ((1, 1), (6, 3)):
        course = make_course(academy, modules=modules, lessons=3)
        klass = SchoolClass.objects.create(teacher=teacher, name=f"c{students}")
        for _ in range(students):
            learner = make_user()
            ClassMembership.objects.create(school_class=klass, student=learner)
            LessonRead.objects.create(learner=learner, lesson=course_lessons(course)[0])
        for module in course_modules(course):
            assign(teacher, klass, module)
        counts.append(matrix_queries(teacher, klass, suffix))
    # class, assignments+modules, students, live lessons, completions, extensions
    assert counts[0] == counts[1]
