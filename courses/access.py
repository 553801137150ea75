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
from django.db.models import Exists, IntegerField, OuterRef, Q, QuerySet, Value
from wagtail.models import Page

from accounts.models import Role
from accounts.roles import is_academy_staff, is_platform_admin, is_student, is_teacher
from accounts.selectors import academy_ids_of
from assessments.models import Attempt, Exercise, Grading
from cms.models import LessonExercise

from .models import Assignment, ClassInvitation, Enrolment, JournalEntry, SchoolClass, TeacherVerification

__all__ = [
    "is_academy_staff", "is_platform_admin", "is_student", "is_teacher",
    "attemptable_exercise", "may_attempt", "may_read_attempt", "may_see_staff_details", "may_override_attempt",
    "may_reverse_override", "may_mark_reply_reviewed", "may_replay_attempt",
    "may_manage_class", "may_join_classes", "may_answer_invitation", "may_decide_verifications",
    "teacher_is_verified", "verification_state", "class_attempts", "class_exercise_ids",
    "journal_classes", "may_write_journal", "may_read_journal_entry", "may_comment_journal_entry",
    "class_journal_entries", "may_read_class_journal",
    "may_read_statistics", "statistics_attempts",
    "may_register_lti", "lti_registrable_academy_ids", "may_join_class_by_lms_enrolment",
    "may_download_credential", "may_revoke_credentials", "may_revoke_credential",
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
    # Read with the exercise by attemptable_exercise, and trusted only for the learner it was read for.
    if getattr(exercise, "enrolment_read_for", None) == user.pk:
        return exercise.learner_enrolled
    return Exercise.objects.filter(pk=exercise.pk).filter(_enrolled_in_a_course_embedding(user, exercise.pk)).exists()


def attemptable_exercise(*, user, exercise_id: int) -> Exercise | None:
    """The exercise with its current version when `user` may attempt it, else None: one query,
    the enrolment read with the exercise (the submit path, B8), decided by may_attempt."""
    if not user.is_authenticated or not user.is_active:
        return None
    exercise = (Exercise.objects.select_related("current_version")
                .annotate(learner_enrolled=_enrolled_in_a_course_embedding(user, OuterRef(OuterRef("pk"))),
                          enrolment_read_for=Value(user.pk, output_field=IntegerField()))
                .filter(pk=exercise_id).first())
    return exercise if exercise is not None and may_attempt(user=user, exercise=exercise) else None


def _module_paths_of(exercise_id: int) -> set[str]:
    """The modules whose live lessons embed the exercise (a lesson is a module's child page)."""
    paths = LessonExercise.objects.filter(exercise_id=exercise_id, lesson__live=True).values_list(
        "lesson__path", flat=True)
    return {path[:-Page.steplen] for path in paths}


def _teaching_assignments(user, attempt: Attempt) -> QuerySet:
    """The assignments through which `user` teaches the attempt: of a class of theirs that holds the
    learner now, on a module that embeds the exercise."""
    if attempt.learner_id is None or not is_teacher(user):
        return Assignment.objects.none()
    module_paths = _module_paths_of(attempt.exercise_id)
    if not module_paths:
        return Assignment.objects.none()
    return Assignment.objects.filter(
        school_class__teacher=user, module__path__in=module_paths,
        school_class__memberships__student_id=attempt.learner_id,
    )


def _teaches_attempt(user, attempt: Attempt) -> bool:
    """A class of `user`'s holds the learner now, and was assigned a module that embeds the exercise."""
    return _teaching_assignments(user, attempt).exists()


def attempt_teaching_class_ids(*, user, attempt: Attempt) -> list[int]:
    """The classes through which `user` reads the attempt as its teacher (the rule of may_read_attempt),
    lowest id first; empty for its learner, staff who teach none of them and everyone else. Two queries
    (the exercise's modules, the classes)."""
    return sorted(set(_teaching_assignments(user, attempt).values_list("school_class_id", flat=True)))


def may_read_attempt(*, user, attempt: Attempt) -> bool:
    """Its learner; staff of the exercise's academy; a teacher of a class the learner is in now,
    when the exercise is in a module assigned to that class. A practice replay is its learner's
    alone: it is left out of every teacher's and staff view."""
    if not user.is_authenticated or not user.is_active:
        return False
    if attempt.learner_id == user.pk:
        return True
    if attempt.practice:
        return False
    if is_platform_admin(user):
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
    if not user.is_authenticated or not user.is_active or attempt.learner_id == user.pk or attempt.practice:
        return False
    if attempt.exercise.academy_id in academy_ids_of(user):
        return True
    return teacher_is_verified(user) and _teaches_attempt(user, attempt)


def may_replay_attempt(*, user, attempt: Attempt) -> bool:
    """Start a "what if" replay of a graded attempt: its own learner only (not their teacher, not
    staff). Whether the debrief has unlocked is the service's check (a 409, not a 404)."""
    return bool(user.is_authenticated and user.is_active and attempt.learner_id is not None
                and attempt.learner_id == user.pk)


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
    return Attempt.objects.counted().filter(
        exercise_id__in=class_exercise_ids(school_class),
        learner__class_memberships__school_class=school_class,
    )


# --- the reflection journal -----------------------------------------------------------------


def journal_classes(*, learner_id: int, exercise_id: int) -> QuerySet:
    """The classes whose teacher reads the learner's journal entries at the exercise: a class the learner
    is in now, with a module assigned that embeds the exercise (as for attempts, _teaches_attempt), and a
    teacher still a teacher. Empty: the entry is the learner's alone. One query, two with the modules."""
    module_paths = _module_paths_of(exercise_id)
    if not module_paths:
        return SchoolClass.objects.none()
    return (SchoolClass.objects.filter(memberships__student_id=learner_id, assignments__module__path__in=module_paths,
                                       teacher__role=Role.TEACHER, teacher__is_active=True)
            .select_related("teacher").distinct().order_by("name", "id"))


def may_write_journal(*, user, attempt: Attempt) -> bool:
    """Reflect on an attempt: its own learner, on a counted (not practice, not preview) attempt. That its
    debrief has unlocked is the service's check (a 409)."""
    return bool(user.is_authenticated and user.is_active and attempt.learner_id == user.pk
                and not attempt.practice and not attempt.preview)


def _teaches_journal(user, entry: JournalEntry) -> bool:
    if not is_teacher(user):
        return False
    return journal_classes(learner_id=entry.learner_id, exercise_id=entry.exercise_id).filter(teacher=user).exists()


def may_read_journal_entry(*, user, entry: JournalEntry) -> bool:
    """Its learner; the teacher of a class that shares it (journal_classes). Nobody else: not staff, not an
    admin (an entry is private unless a class it was written for shares it)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return entry.learner_id == user.pk or _teaches_journal(user, entry)


def may_comment_journal_entry(*, user, entry: JournalEntry) -> bool:
    """The teacher who reads the entry through their class; not its learner."""
    return bool(user.is_authenticated and user.is_active and entry.learner_id != user.pk
                and _teaches_journal(user, entry))


def may_read_class_journal(*, user, school_class: SchoolClass) -> bool:
    """The class's own teacher only: an admin who may manage any class reads no one's journal."""
    return bool(user.is_authenticated and user.is_active and is_teacher(user)
                and school_class.teacher_id == user.pk)


def class_journal_entries(school_class: SchoolClass) -> QuerySet:
    """What a class's teacher reads of the journal: entries of its current members at the exercises of
    the modules assigned to it (the attempts they see, class_attempts)."""
    return JournalEntry.objects.filter(
        exercise_id__in=class_exercise_ids(school_class),
        learner__class_memberships__school_class=school_class,
    )


def may_read_statistics(*, user, exercise: Exercise, school_class: SchoolClass | None = None) -> bool:
    """An exercise's statistics: over all its counted attempts, its academy's staff; over a class's,
    whoever manages the class (its teacher, a platform admin) when the exercise is assigned to it."""
    if not user.is_authenticated or not user.is_active:
        return False
    if school_class is None:
        return exercise.academy_id in academy_ids_of(user)
    return (may_manage_class(user=user, school_class=school_class)
            and class_exercise_ids(school_class).filter(exercise_id=exercise.pk).exists())


def statistics_attempts(school_class: SchoolClass | None):
    """The attempts statistics read: every counted one (None: the version's maintained counts), or a class's."""
    return None if school_class is None else class_attempts(school_class)


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


# --- LMS (LTI) registrations and launches ---------------------------------------------------


def lti_registrable_academy_ids(user) -> list[int]:
    """The academies for which `user` may register an LMS (lti/): academy staff their own academies'
    (by membership), a platform admin every academy's. Others none: a stranger who signed up registers
    nothing, since a registration offers an academy's content and may vouch for a school's teachers."""
    if not user.is_authenticated or not user.is_active:
        return []
    if not (is_platform_admin(user) or is_academy_staff(user)):
        return []
    return academy_ids_of(user)


def may_register_lti(*, user, academy_id: int | None = None) -> bool:
    """Register or change an LMS registration of `academy_id` (of any academy when None: may open the page)."""
    academies = lti_registrable_academy_ids(user)
    return bool(academies) if academy_id is None else academy_id in academies


def may_join_class_by_lms_enrolment(*, user, registration_active: bool) -> bool:
    """An LMS launch adds its learner to the class of its LMS course: being enrolled there is the school's
    consent, and the registration (made by the academy's staff or an admin) is the grant that trusts it.
    Students only, as for every other way into a class, and only while the registration is active."""
    return registration_active and is_student(user)


# --- Open Badges (credentials/) ------------------------------------------------------------


def may_download_credential(*, user, learner_id: int) -> bool:
    """A credential's JSON and JWT: its learner only. Anyone checks a shared one (its verify link),
    which shows what the learner chose to share; a list or a download names no one else."""
    return user.is_authenticated and user.pk == learner_id


def may_revoke_credentials(*, user) -> bool:
    """Whether `user` revokes badges at all: academy staff (by role) and platform admins."""
    return user.is_authenticated and (is_platform_admin(user) or is_academy_staff(user))


def may_revoke_credential(*, user, academy_id: int) -> bool:
    """Revoke a badge issued by `academy_id`: that academy's staff (by membership), a platform admin."""
    return may_revoke_credentials(user=user) and academy_id in academy_ids_of(user)
