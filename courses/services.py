"""Writes on learning records. Each is idempotent and race-safe: unique
constraints decide, and a losing concurrent insert returns the winner's row."""
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Role
from accounts.services import user_touch_activity
from cms.models import CoursePage, ModulePage
from cms.selectors import lesson_course, live_lesson

from .errors import AssessmentError, Conflict, Forbidden, NotFound
from .models import Assignment, ClassMembership, Enrolment, Extension, LessonCompletion, SchoolClass, new_join_code

User = get_user_model()


def _get_or_create(model, defaults=None, **lookup):
    """get_or_create that survives a concurrent duplicate insert (returns the winner)."""
    try:
        with transaction.atomic():
            return model.objects.get_or_create(defaults=defaults or {}, **lookup)
    except IntegrityError:
        return model.objects.get(**lookup), False


def enrol(*, learner, course: CoursePage, source: str = Enrolment.Source.SELF) -> tuple[Enrolment, bool]:
    return _get_or_create(Enrolment, defaults={"source": source}, learner=learner, course=course)


def lesson_complete(*, learner, lesson_id: int) -> tuple[LessonCompletion, bool]:
    """Mark a published lesson read by an enrolled learner. Idempotent."""
    lesson = live_lesson(lesson_id)
    if lesson is None:
        raise NotFound.single("not_found", "No such lesson.")
    course = lesson_course(lesson)
    if not Enrolment.objects.filter(learner=learner, course=course).exists():
        raise Forbidden.single("not_enrolled", "Enrol in the course first.")
    row, created = _get_or_create(LessonCompletion, learner=learner, lesson=lesson)
    user_touch_activity(user=learner)
    return row, created


# --- classes ---------------------------------------------------------------------


def class_create(*, teacher, name: str) -> SchoolClass:
    if teacher.role not in (Role.TEACHER, Role.ADMIN) and not teacher.is_superuser:
        raise Forbidden.single("permission_denied", "Only teachers create classes.")
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise AssessmentError.single("invalid", "A class name of 1 to 200 characters is required.", "name")
    return SchoolClass.objects.create(teacher=teacher, name=name)


def access_class(*, user, class_id) -> SchoolClass:
    """The only way to fetch a class for a teacher: 404 unless it is theirs."""
    school_class = SchoolClass.objects.filter(pk=class_id).first() if str(class_id).isdigit() else None
    if school_class is None or not (school_class.teacher_id == user.pk or user.is_platform_admin):
        raise NotFound.single("not_found", "No such class.")
    return school_class


def class_rotate_code(*, school_class: SchoolClass) -> SchoolClass:
    school_class.join_code = new_join_code()
    school_class.save(update_fields=["join_code"])
    return school_class


def class_archive(*, school_class: SchoolClass, archived: bool = True) -> SchoolClass:
    school_class.archived_at = timezone.now() if archived else None
    school_class.save(update_fields=["archived_at"])
    return school_class


def _enrol_in_assigned_courses(school_class: SchoolClass, students) -> None:
    course_ids = set(school_class.assignments.values_list("course_id", flat=True))
    rows = [Enrolment(learner=s, course_id=c, source=Enrolment.Source.CLASS) for s in students for c in course_ids]
    Enrolment.objects.bulk_create(rows, ignore_conflicts=True)


def class_join(*, student, join_code: str) -> tuple[SchoolClass, bool]:
    code = (join_code or "").strip().upper()
    school_class = SchoolClass.objects.filter(join_code=code, archived_at__isnull=True).first() if code else None
    if school_class is None:
        raise NotFound.single("invalid_join_code", "No open class has that join code.", "join_code")
    if student.role != Role.STUDENT:
        raise Forbidden.single("permission_denied", "Only students join classes.")
    return _add_student(school_class, student)


def _add_student(school_class: SchoolClass, student) -> tuple[SchoolClass, bool]:
    _, created = _get_or_create(ClassMembership, school_class=school_class, student=student)
    _enrol_in_assigned_courses(school_class, [student])
    return school_class, created


def roster_add(*, school_class: SchoolClass, username_or_email: str):
    key = (username_or_email or "").strip()
    student = User.objects.filter(Q(username__iexact=key) | Q(email__iexact=key), role=Role.STUDENT,
                                   is_active=True).first() if key else None
    if student is None:
        raise AssessmentError.single("unknown_student", "No student with that username or email.", "student")
    _add_student(school_class, student)
    return student


def roster_remove(*, school_class: SchoolClass, student_id: int) -> None:
    deleted, _ = ClassMembership.objects.filter(school_class=school_class, student_id=student_id).delete()
    if not deleted:
        raise NotFound.single("not_found", "That student is not in this class.")


def assignment_create(*, school_class: SchoolClass, module_id, due_at) -> tuple[Assignment, bool]:
    """Assign a published module; enrols the class's students in its course."""
    module = ModulePage.objects.live().filter(pk=module_id).first() if str(module_id).isdigit() else None
    if module is None:
        raise AssessmentError.single("invalid", "No published module with that id.", "module")
    course = CoursePage.objects.ancestor_of(module).first()
    with transaction.atomic():
        assignment, created = _get_or_create(
            Assignment, defaults={"due_at": due_at, "course": course}, school_class=school_class, module=module
        )
        students = [m.student for m in school_class.memberships.select_related("student")]
        _enrol_in_assigned_courses(school_class, students)
    return assignment, created


def access_assignment(*, school_class: SchoolClass, assignment_id) -> Assignment:
    assignment = school_class.assignments.filter(pk=assignment_id).first() if str(assignment_id).isdigit() else None
    if assignment is None:
        raise NotFound.single("not_found", "No such assignment.")
    return assignment


def assignment_update(*, assignment: Assignment, due_at) -> Assignment:
    assignment.due_at = due_at
    assignment.save(update_fields=["due_at"])
    return assignment


def assignment_delete(*, assignment: Assignment) -> None:
    assignment.delete()


def extension_set(*, assignment: Assignment, student_id: int, due_at) -> Extension:
    if not assignment.school_class.memberships.filter(student_id=student_id).exists():
        raise NotFound.single("not_found", "That student is not in this class.", "student")
    if due_at <= assignment.due_at:
        raise Conflict.single("invalid", "An extension must be later than the due date.", "due_at")
    extension, _ = Extension.objects.update_or_create(
        assignment=assignment, student_id=student_id, defaults={"due_at": due_at}
    )
    return extension


