"""A small school for the fault tests: two courses, a class with an assignment,
a practice scenario, and what each write must leave in the database."""
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from accounts.models import Role
from assessments.models import Attempt
from courses.models import ClassMembership, Enrolment, LessonRead
from courses.services import assignment_create, class_create

from ..factories import (
    PASSING_PATH,
    course_lessons,
    course_modules,
    import_exercise,
    later,
    make_academy,
    make_course,
    make_user,
)

User = get_user_model()


@dataclass
class School:
    course: object        # learners enrol themselves and complete its lessons
    lessons: list
    class_course: object  # assigned to the class: joining enrols in it
    school_class: object
    exercise: object


def make_school() -> School:
    academy = make_academy()
    course = make_course(academy, modules=1, lessons=2)
    class_course = make_course(academy, modules=1, lessons=1)
    teacher = make_user(Role.TEACHER)
    school_class = class_create(teacher=teacher, name="Delegates")
    assignment_create(actor=teacher, school_class=school_class, module_id=course_modules(class_course)[0].pk,
                      due_at=later())
    exercise = import_exercise(academy, visibility="practice")
    return School(course, course_lessons(course), class_course, school_class, exercise)


def write_request(school: School, op: str, key: str = "k"):
    """(path, body, headers) of one learner write."""
    return {
        "enrol": (f"/api/v1/courses/{school.course.pk}/enrol/", None, {}),
        "complete": (f"/api/v1/lessons/{school.lessons[0].pk}/complete/", None, {}),
        "complete2": (f"/api/v1/lessons/{school.lessons[1].pk}/complete/", None, {}),
        "join": ("/api/v1/classes/join/", {"join_code": school.school_class.join_code}, {}),
        "submit": (f"/api/v1/exercises/{school.exercise.pk}/attempts/", {"steps": PASSING_PATH},
                   {"Idempotency-Key": f"submit-{key}"}),
        "start": (f"/api/v1/exercises/{school.exercise.pk}/attempts/", None, {"Idempotency-Key": f"start-{key}"}),
    }[op]


SUCCESS = {"enrol": {200, 201}, "complete": {200, 201}, "complete2": {200, 201}, "join": {200, 201},
           "submit": {200, 202}, "start": {200, 201}, "step": {200}}


def learner_rows(learner) -> dict:
    """Everything a learner's writes can touch."""
    return {
        "enrolments": sorted(Enrolment.objects.filter(learner=learner).values_list("course_id", "source")),
        "completions": sorted(LessonRead.objects.filter(learner=learner).values_list("lesson_id", flat=True)),
        "memberships": sorted(ClassMembership.objects.filter(student=learner)
                              .values_list("school_class_id", flat=True)),
        "attempts": sorted(Attempt.objects.filter(learner=learner)
                           .values_list("idempotency_key", "status", "current_node", "submitted_at")),
        "active": User.objects.get(pk=learner.pk).last_activity_at is not None,
    }


def partial_writes(school: School) -> list[str]:
    """Rows that only part of a write left behind, over the whole school."""
    problems = []
    enrolled = set(Enrolment.objects.filter(course=school.course).values_list("learner_id", flat=True))
    class_enrolled = set(Enrolment.objects.filter(course=school.class_course).values_list("learner_id", flat=True))
    for row in LessonRead.objects.filter(lesson__in=school.lessons).values("learner_id", "lesson_id"):
        if row["learner_id"] not in enrolled:
            problems.append(f"completion without enrolment: {row}")
    readers = set(LessonRead.objects.filter(lesson__in=school.lessons).values_list("learner_id", flat=True))
    for learner_id in User.objects.filter(pk__in=readers, last_activity_at__isnull=True).values_list("pk", flat=True):
        problems.append(f"completion without the activity stamp: learner {learner_id}")
    for learner_id in ClassMembership.objects.filter(school_class=school.school_class).values_list("student_id",
                                                                                                     flat=True):
        if learner_id not in class_enrolled:
            problems.append(f"class membership without the assigned course's enrolment: learner {learner_id}")
    for attempt in Attempt.objects.filter(exercise=school.exercise):
        steps = (attempt.answers or {}).get("steps")
        if attempt.status == "in_progress":
            # the node and the steps taken move together (choosing "ask" at "open" leads to "reply1")
            expected_node = {0: "open", 1: "reply1"}.get(len(steps or []))
            if attempt.current_node != expected_node or attempt.submitted_at is not None:
                problems.append(f"in-progress attempt {attempt.pk} at {attempt.current_node} after steps {steps}")
        elif attempt.submitted_at is None or steps != PASSING_PATH or attempt.current_node != "end_good":
            problems.append(f"attempt {attempt.pk} {attempt.status} without its submitted state")
        if attempt.status == "graded" and attempt.gradings.filter(kind="automatic").count() != 1:
            problems.append(f"graded attempt {attempt.pk} without exactly one automatic grading")
    return problems
