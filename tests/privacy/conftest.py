"""A learner with a full history in one teacher's class: the data export and deletion work on."""
import copy

import pytest
from django.test import Client

from accounts.models import Role
from accounts.services import token_issue
from assessments.models import Attempt
from assessments.services import attempt_submit
from courses import services as course_services

from ..factories import (
    PASSING_PATH,
    QUIZ,
    course_lessons,
    course_modules,
    import_exercise,
    later,
    make_course,
    make_user,
)

PASSWORD = "pw-Secret-123"  # the factories' password
# A reply that passes its rubric and says who wrote it: what redaction must remove.
PERSONAL_REPLY = "I am Amina Diallo from Lyon; your farmers need water for irrigation before the harvest."
PERSONAL_QUIZ_TEXT = "Ask Amina Diallo, 12 rue de Lyon"


@pytest.fixture
def scenario(academy):
    return import_exercise(academy)


@pytest.fixture
def quiz(academy):
    return import_exercise(academy, copy.deepcopy(QUIZ))


@pytest.fixture
def course(academy, scenario, quiz):
    return make_course(academy, modules=1, lessons=3, exercises_in={(0, 0): [scenario.pk], (0, 1): [quiz.pk]},
                       title="Water talks")


@pytest.fixture
def klass(teacher, course):
    school_class = course_services.class_create(teacher=teacher, name="9B")
    course_services.assignment_create(actor=teacher, school_class=school_class, module_id=course_modules(course)[0].pk,
                                      due_at=later(7))
    return school_class


def submit(exercise, learner, answers, capture):
    with capture(execute=True):
        attempt, _ = attempt_submit(exercise=exercise, learner=learner, answers=answers)
    attempt.refresh_from_db()
    return attempt


def build_learner(*, course, scenario, quiz, klass, capture, attempts=1, username=None):
    """A student in `klass` who read every lesson, passed the scenario and the quiz `attempts` times
    (with personal words in a reply and in a wrong typed answer), has an extension and a token."""
    learner = make_user(Role.STUDENT, username=username)
    course_services.class_join(student=learner, join_code=klass.join_code)
    course_services.enrol(learner=learner, course=course)
    for lesson in course_lessons(course):
        course_services.lesson_mark_read(learner=learner, lesson_id=lesson.pk)
    path = copy.deepcopy(PASSING_PATH)
    path[1]["reply"] = PERSONAL_REPLY
    for _ in range(attempts):
        submit(scenario, learner, {"steps": path}, capture)
        submit(quiz, learner, {"answers": {"q1": ["b"], "q2": "BATNA"}}, capture)
        submit(quiz, learner, {"answers": {"q1": ["b"], "q2": PERSONAL_QUIZ_TEXT}}, capture)
    assignment = klass.assignments.get()
    course_services.extension_set(actor=assignment.school_class.teacher, assignment=assignment, student_id=learner.pk,
                                  due_at=later(14))
    learner.raw_token = token_issue(user=learner)
    assert Attempt.objects.filter(learner=learner, status="graded").count() == 3 * attempts
    return learner


@pytest.fixture
def learner(course, scenario, quiz, klass, django_capture_on_commit_callbacks):
    return build_learner(course=course, scenario=scenario, quiz=quiz, klass=klass,
                         capture=django_capture_on_commit_callbacks, username="amina")


@pytest.fixture
def classmate(course, scenario, quiz, klass, django_capture_on_commit_callbacks):
    return build_learner(course=course, scenario=scenario, quiz=quiz, klass=klass,
                         capture=django_capture_on_commit_callbacks, username="bertrand")


def site_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client
