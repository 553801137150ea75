"""Who may do what to whom: the one place that decides.

Every power over a learner's records comes from a row that a consent or a grant
made, never from a role alone:

- a class membership, which only the learner makes (their join code, or an
  invitation they accepted: courses/services.py);
- an assignment of a module to that class, which scopes what the class's
  teacher sees to the exercises of the modules they assigned;
- a teacher verification, granted by academy staff or an admin, without which
  a teacher may not change a grade;
- an academy membership, granted by an admin, which scopes staff to their
  academy's content and attempts (accounts.selectors.academy_ids_of).

Services call these before they change anything and views before they read,
so the API, the site, the admin and tasks cannot disagree. A refused read
answers like a missing id: the caller raises its NotFound.
"""
from django.db.models import Exists, OuterRef, Q, QuerySet
from wagtail.models import Page

from accounts.roles import is_academy_staff, is_platform_admin, is_student, is_teacher
from accounts.selectors import academy_ids_of
from assessments.models import Attempt, Exercise, Grading
from cms.models import LessonExercise

from .models import Assignment, ClassInvitation, Enrolment, SchoolClass, TeacherVerification

__all__ = [
    "is_academy_staff", "is_platform_admin", "is_student", "is_teacher",
    "attemptable_exercise", "may_attempt", "may_read_attempt", "may_see_staff_details", "may_override_attempt",
    "may_reverse_override", "may_mark_reply_reviewed",
    "may_manage_class", "may_join_classes", "may_answer_invitation", "may_decide_verifications",
    "teacher_is_verified", "verification_state", "class_attempts", "class_exercise_ids",
]


# --- exercises and attempts --------------------------------------------------------------


def _enrolled_in_a_course_embedding(user, exercise):
    """True when `user` is enrolled in a course a live lesson of which embeds `exercise` (an id, or
    OuterRef(OuterRef("pk")) inside a query on exercises: the lessons are read inside the enrolments)."""
    courses = LessonExercise.objects.filter(exercise=exercise, lesson__live=True).values("course_id")
    return Exists(Enrolment.objects.filter(learner=user, course_id__in=courses))


def may_attempt(*, user, exercise: Exercise) -> bool:
    if not user.is_authenticated or not user.is_active or exercise.current_version_id is None:
        return False
    if exercise.visibility == Exercise.Visibility.PRACTICE:
        return True
    if exercise.academy_id in academy_ids_of(user):
        return True  # staff preview their own exercises
    enrolled = getattr(exercise, "learner_enrolled", None)  # read with the exercise: attemptable_exercise
    if enrolled is not None:
        return enrolled
    return Exercise.objects.filter(pk=exercise.pk).filter(_enrolled_in_a_course_embedding(user, exercise.pk)).exists()


def attemptable_exercise(*, user, exercise_id: int) -> Exercise | None:
    """The exercise with its current version when `user` may attempt it, else None: one query,
    the enrolment read with the exercise (the submit path, B8), decided by may_attempt."""
    if not user.is_authenticated or not user.is_active:
        return None
    exercise = (Exercise.objects.select_related("current_version")
                .annotate(learner_enrolled=_enrolled_in_a_course_embedding(user, OuterRef(OuterRef("pk"))))
                .filter(pk=exercise_id).first())
    return exercise if exercise is not None and may_attempt(user=user, exercise=exercise) else None


def _module_paths_of(exercise_id: int) -> set[str]:
    """The modules whose live lessons embed the exercise (a lesson is a module's child page)."""
    paths = LessonExercise.objects.filter(exercise_id=exercise_id, lesson__live=True).values_list(
        "lesson__path", flat=True)
    return {path[:-Page.steplen] for path in paths}


def _teaches_attempt(user, attempt: Attempt) -> bool:
    """A class of `user`'s holds the learner now, and was assigned a module that embeds the exercise."""
    if attempt.learner_id is None or not is_teacher(user):
        return False
    module_paths = _module_paths_of(attempt.exercise_id)
    if not module_paths:
        return False
    return Assignment.objects.filter(
        school_class__teacher=user, module__path__in=module_paths,
        school_class__memberships__student_id=attempt.learner_id,
    ).exists()


def may_read_attempt(*, user, attempt: Attempt) -> bool:
    """Its learner; staff of the exercise's academy; a teacher of a class the learner is in now,
    when the exercise is in a module assigned to that class."""
    if not user.is_authenticated or not user.is_active:
        return False
    if attempt.learner_id == user.pk or is_platform_admin(user):
        return True
    if attempt.exercise.academy_id in academy_ids_of(user):
        return True
    return _teaches_attempt(user, attempt)


def may_see_staff_details(*, user, attempt: Attempt) -> bool:
    """Grading errors and failure counts: for the exercise's academy only."""
    return attempt.exercise.academy_id in academy_ids_of(user)


def may_override_attempt(*, user, attempt: Attempt) -> bool:
    """Change the reply criteria of a graded attempt: the exercise's academy staff, or a
    verified teacher who may read it. Nobody reviews their own attempt."""
    if not user.is_authenticated or not user.is_active or attempt.learner_id == user.pk:
        return False
    if attempt.exercise.academy_id in academy_ids_of(user):
        return True
    return teacher_is_verified(user) and _teaches_attempt(user, attempt)


def may_mark_reply_reviewed(*, user, attempt: Attempt) -> bool:
    """File a learner's written reply as reviewed (or back): the exercise's academy staff, or a teacher who
    may read the attempt through their class (verified or not: it changes no score). Not one's own."""
    if not user.is_authenticated or not user.is_active or attempt.learner_id == user.pk:
        return False
    if attempt.exercise.academy_id in academy_ids_of(user):
        return True
    return _teaches_attempt(user, attempt)


def may_reverse_override(*, user, grading: Grading) -> bool:
    """Undo a teacher's override: the staff of the exercise's academy."""
    return user.is_authenticated and grading.attempt.exercise.academy_id in academy_ids_of(user)


# --- classes -------------------------------------------------------------------------------


def may_manage_class(*, user, school_class: SchoolClass) -> bool:
    """Its teacher, while they are a teacher; a platform admin."""
    if is_platform_admin(user):
        return True
    return is_teacher(user) and school_class.teacher_id == user.pk


def may_join_classes(*, user) -> bool:
    return is_student(user)


def may_answer_invitation(*, user, invitation: ClassInvitation) -> bool:
    """The account whose email is the invited address (emails are unique whatever their case)."""
    email = (getattr(user, "email", "") or "").casefold()
    return bool(user.is_authenticated and user.is_active and email and invitation.email == email)


def class_exercise_ids(school_class: SchoolClass) -> QuerySet:
    """Ids of the exercises embedded in the live lessons of the modules assigned to the class (a subquery)."""
    module_paths = list(school_class.assignments.values_list("module__path", flat=True))
    if not module_paths:
        return LessonExercise.objects.none().values("exercise_id")
    under = Q()
    for path in module_paths:
        under |= Q(lesson__path__startswith=path, lesson__depth=len(path) // Page.steplen + 1)
    return LessonExercise.objects.filter(under, lesson__live=True).values("exercise_id")


def class_attempts(school_class: SchoolClass) -> QuerySet:
    """What a class's teacher sees of attempts: those of its current members at the exercises
    of the modules assigned to it."""
    return Attempt.objects.filter(
        preview=False,
        exercise_id__in=class_exercise_ids(school_class),
        learner__class_memberships__school_class=school_class,
    )


# --- teachers' verification ----------------------------------------------------------------


def teacher_is_verified(user) -> bool:
    if is_platform_admin(user):
        return True
    if not is_teacher(user):
        return False
    return TeacherVerification.objects.filter(
        teacher=user, state=TeacherVerification.State.VERIFIED, revoked_at__isnull=True).exists()


def verification_state(user) -> str:
    """`none`, `pending`, `verified` or `rejected`: the teacher's standing, from their latest request."""
    if teacher_is_verified(user):
        return TeacherVerification.State.VERIFIED
    latest = (TeacherVerification.objects.filter(teacher=user, revoked_at__isnull=True)
              .order_by("-created_at", "-id").values_list("state", flat=True).first())
    return latest or "none"


def may_decide_verifications(*, user) -> bool:
    """Academy staff (of some academy, by membership) and platform admins."""
    return is_platform_admin(user) or (is_academy_staff(user) and bool(academy_ids_of(user)))
