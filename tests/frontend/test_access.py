"""Who may open which page of the site: anonymous visitors, students, teachers, academy staff."""
import pytest
from django.test import Client

from accounts.models import Role
from courses import services as course_services

from ..conftest import signed_in
from ..factories import course_lessons, course_modules, make_academy, make_staff, make_user

pytestmark = pytest.mark.django_db


def test_public_pages_open_to_anyone(course):
    client = Client()
    lesson = course_lessons(course)[0]
    for url in ("/", "/courses/", f"/courses/{course.pk}/", f"/lessons/{lesson.pk}/", "/sign-in/", "/sign-up/"):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("url", ["/me/progress/", "/me/competencies/", "/classes/join/", "/teach/",
                                 "/teach/classes/1/", "/teach/classes/1/progress/", "/teach/classes/1/replies/",
                                 "/academy/", "/exercises/1/", "/attempts/1/"])
def test_anonymous_visitors_are_sent_to_sign_in(url):
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/?next=")


def test_anonymous_writes_are_sent_to_sign_in(course):
    lesson = course_lessons(course)[0]
    for url in (f"/courses/{course.pk}/enrol/", f"/lessons/{lesson.pk}/read/"):
        response = Client().post(url)
        assert response.status_code == 302 and response["Location"].startswith("/sign-in/"), url


def test_a_student_cannot_open_teacher_or_staff_pages(student, klass):
    client = signed_in(student)
    for url in ("/teach/", f"/teach/classes/{klass.pk}/", f"/teach/classes/{klass.pk}/progress/",
                f"/teach/classes/{klass.pk}/replies/", "/academy/"):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/teach/classes/{klass.pk}/rotate-code/").status_code == 403
    klass.refresh_from_db()


def test_a_teacher_sees_only_their_own_classes(teacher, klass):
    other = make_user(Role.TEACHER)
    theirs = course_services.class_create(teacher=other, name="Someone else's class")
    client = signed_in(teacher)
    assert client.get(f"/teach/classes/{klass.pk}/").status_code == 200
    for suffix in ("", "progress/", "replies/"):
        assert client.get(f"/teach/classes/{theirs.pk}/{suffix}").status_code == 404
    code = theirs.join_code
    assert client.post(f"/teach/classes/{theirs.pk}/rotate-code/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.join_code == code
    assert client.get("/teach/classes/not-a-number/").status_code == 404
    page = client.get("/teach/").content.decode()
    assert "9B" in page and "Someone else" not in page


def test_a_teacher_cannot_override_a_reply_outside_their_class(graded_attempt, teacher):
    other = make_user(Role.TEACHER)
    other_class = course_services.class_create(teacher=other, name="Other")
    response = signed_in(other).post(f"/teach/classes/{other_class.pk}/replies/{graded_attempt.pk}/override/",
                                      {"node": "reply1", "met": [], "reason": "no"})
    assert response.status_code == 404
    assert graded_attempt.gradings.count() == 1


def test_staff_pages_only_for_academy_staff(teacher, student):
    staff = make_staff(make_academy())
    assert signed_in(staff).get("/academy/").status_code == 200
    assert signed_in(teacher).get("/academy/").status_code == 403
    assert signed_in(student).get("/academy/").status_code == 403


def test_staff_see_only_their_academys_exercises(exercise):
    other_staff = make_staff(make_academy())
    page = signed_in(other_staff).get("/academy/").content.decode()
    assert exercise.title not in page
    own_staff = make_staff(exercise.academy)
    page = signed_in(own_staff).get("/academy/").content.decode()
    assert exercise.title in page and "<svg" in page


def test_an_exercise_page_needs_enrolment_in_its_course(student, course, exercise):
    client = signed_in(student)
    assert client.get(f"/exercises/{exercise.pk}/").status_code == 404
    client.post(f"/courses/{course.pk}/enrol/")
    assert client.get(f"/exercises/{exercise.pk}/").status_code == 200


def test_an_attempt_page_is_for_its_learner_their_teacher_and_staff(graded_attempt, student, teacher):
    url = f"/attempts/{graded_attempt.pk}/"
    assert signed_in(student).get(url).status_code == 200
    assert signed_in(teacher).get(url).status_code == 200  # the student is in the teacher's class
    assert signed_in(make_user(Role.STUDENT)).get(url).status_code == 404
    assert signed_in(make_user(Role.TEACHER)).get(url).status_code == 404
    assert signed_in(make_staff(graded_attempt.exercise.academy)).get(url).status_code == 200


def test_unknown_ids_are_404_not_500(student):
    client = signed_in(student)
    for url in ("/courses/999999/", "/courses/abc/", "/lessons/999999/", "/lessons/x/", "/exercises/x/",
                "/attempts/x/"):
        assert client.get(url).status_code == 404, url


def test_only_students_join_classes(teacher, klass):
    response = signed_in(teacher).post("/classes/join/", {"join_code": klass.join_code})
    assert response.status_code == 200
    assert "Only student accounts" in response.content.decode()
    assert not klass.memberships.exists()


def test_modules_of_the_course_page_are_listed(course, student):
    page = signed_in(student).get(f"/courses/{course.pk}/").content.decode()
    for module in course_modules(course):
        assert module.title in page
