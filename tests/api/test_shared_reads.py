"""Reads the API and the site share: one function each, so an endpoint and its page show the same rows."""
from accounts.models import Role
from assessments.services import attempt_submit
from courses import selectors
from courses.models import ClassMembership
from courses.services import assignment_create, class_create, enrol

from ..conftest import as_user
from ..factories import PASSING_PATH, course_modules, import_exercise, later, make_course, make_user


def _class_with_a_graded_reply(academy, capture):
    exercise = import_exercise(academy)
    course = make_course(academy, modules=1, lessons=1, exercises_in={(0, 0): [exercise.pk]})
    teacher, learner = make_user(Role.TEACHER), make_user()
    school_class = class_create(teacher=teacher, name="Envoys")
    assignment_create(actor=teacher, school_class=school_class, module_id=course_modules(course)[0].pk,
                      due_at=later())
    ClassMembership.objects.create(school_class=school_class, student=learner)
    enrol(learner=learner, course=course)
    with capture(execute=True):
        attempt_submit(exercise=exercise, learner=learner, answers={"steps": PASSING_PATH})
    return teacher, learner, school_class


def test_the_api_s_replies_are_the_rows_of_the_teacher_s_replies_page(academy, django_capture_on_commit_callbacks):
    teacher, _, school_class = _class_with_a_graded_reply(academy, django_capture_on_commit_callbacks)

    body = as_user(teacher).get(f"/api/v1/classes/{school_class.pk}/replies/").json()

    page_rows = selectors.class_replies(school_class=school_class)
    assert [row["attempt"] for row in body["results"]] == [row["attempt"] for row in page_rows]
    reply = body["results"][0]
    assert (reply["prompt"], reply["met"], reply["criteria"], reply["avoid"]) == (
        "Summarise their position.", ["interest"],
        [{"id": "interest", "label": "Names their interest", "met": True}],
        [{"id": "blame", "label": "Assigns blame", "hit": False}])


def test_the_roster_s_display_name_is_the_api_s_username(academy, django_capture_on_commit_callbacks):
    teacher, learner, school_class = _class_with_a_graded_reply(academy, django_capture_on_commit_callbacks)

    body = as_user(teacher).get(f"/api/v1/classes/{school_class.pk}/students/").json()

    [member] = selectors.class_roster(school_class=school_class)
    assert [(row["id"], row["username"]) for row in body["results"]] == [(learner.pk, member["name"])]


def test_the_api_s_class_matrix_is_the_teacher_s_page_matrix_with_the_name_as_username(
        academy, django_capture_on_commit_callbacks):
    from courses import progress

    teacher, learner, school_class = _class_with_a_graded_reply(academy, django_capture_on_commit_callbacks)

    body = as_user(teacher).get(f"/api/v1/classes/{school_class.pk}/progress/").json()

    matrix = progress.class_progress(school_class=school_class)  # what the teacher's progress page renders
    assert [(row["id"], row["username"], [(c["id"], c["percent"], c["overdue"]) for c in row["modules"]])
            for row in body["students"]] == [
        (row["id"], row["name"], [(c["id"], c["percent"], c["overdue"]) for c in row["modules"]])
        for row in matrix["students"]]
    assert [row["id"] for row in body["students"]] == [learner.pk]


def test_the_api_s_students_at_risk_are_the_page_s_with_the_name_as_username(
        academy, django_capture_on_commit_callbacks):
    from courses import progress

    teacher, _, school_class = _class_with_a_graded_reply(academy, django_capture_on_commit_callbacks)

    body = as_user(teacher).get(f"/api/v1/classes/{school_class.pk}/at-risk/?days=7").json()

    rows = progress.students_at_risk(school_class=school_class, inactive_days=7)
    assert [(r["id"], r["username"], r["inactive"]) for r in body["results"]] == [
        (r["id"], r["name"], r["inactive"]) for r in rows]
