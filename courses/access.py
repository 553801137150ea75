"""Who may attempt an exercise and who may read an attempt: rules that need
enrolments and classes, so they live here, above assessments."""
from accounts.selectors import academy_ids_of
from assessments.models import Attempt, Exercise
from cms.models import LessonExercise

from .models import ClassMembership, Enrolment


def may_attempt(*, user, exercise: Exercise) -> bool:
    if not user.is_authenticated or exercise.current_version_id is None:
        return False
    if exercise.visibility == Exercise.Visibility.PRACTICE:
        return True
    if exercise.academy_id in academy_ids_of(user):
        return True  # staff preview their own exercises
    courses = LessonExercise.objects.filter(exercise=exercise, lesson__live=True).values("course_id")
    return Enrolment.objects.filter(learner=user, course_id__in=courses).exists()


def may_read_attempt(*, user, attempt: Attempt) -> bool:
    """Its learner, a teacher of a class the learner is in, its academy's staff."""
    if not user.is_authenticated:
        return False
    if attempt.learner_id == user.pk or user.is_platform_admin:
        return True
    if attempt.exercise.academy_id in academy_ids_of(user):
        return True
    return ClassMembership.objects.filter(student_id=attempt.learner_id, school_class__teacher=user).exists()
