"""Writes on learning records. Each is idempotent and race-safe: unique
constraints decide, and a losing concurrent insert returns the winner's row."""
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.forms import EmailField
from django.utils import timezone
from django.utils.translation import gettext

from accounts import audit
from accounts.services import user_touch_activity
from cms.models import CoursePage, ModulePage
from cms.selectors import lesson_course, live_lesson

from . import access, events, mail
from .errors import Conflict, CourseError, Forbidden, NotFound
from .models import (
    Assignment,
    ClassInvitation,
    ClassMembership,
    Enrolment,
    Extension,
    LessonRead,
    ReflectionAnswer,
    SchoolClass,
    TeacherVerification,
    new_join_code,
)

User = get_user_model()


def _get_or_create(model, defaults=None, **lookup):
    """get_or_create that survives a concurrent duplicate insert (returns the winner)."""
    try:
        with transaction.atomic():
            return model.objects.get_or_create(defaults=defaults or {}, **lookup)
    except IntegrityError:
        return model.objects.get(**lookup), False


@transaction.atomic
def enrol(*, learner, course: CoursePage, source: str = Enrolment.Source.SELF) -> tuple[Enrolment, bool]:
    """Enrol the learner in the course; idempotent. A new enrolment's xAPI statement is written in the
    same transaction (courses.events.enrolled)."""
    row, created = _get_or_create(Enrolment, defaults={"source": source}, learner=learner, course=course)
    if created:
        events.enrolled.send(sender=Enrolment, enrolments=[row], some_existed=False)
    return row, created


@transaction.atomic
def lesson_mark_read(*, learner, lesson_id: int) -> tuple[LessonRead, bool]:
    """Mark a published lesson read by an enrolled learner. Idempotent. One transaction: the read and
    the learner's last activity are written together or not at all, whoever calls (API or site)."""
    lesson = live_lesson(lesson_id)
    if lesson is None:
        raise NotFound.single("not_found", gettext("No such lesson."))
    course = lesson_course(lesson)
    if not Enrolment.objects.filter(learner=learner, course=course).exists():
        raise Forbidden.single("not_enrolled", gettext("Enrol in the course first."))
    row, created = _get_or_create(LessonRead, learner=learner, lesson=lesson)
    if created:
        events.lesson_read.send(sender=LessonRead, read=row, lesson=lesson, course=course)
    user_touch_activity(user=learner)
    return row, created


@transaction.atomic
def reflection_save(*, learner, lesson_id: int, block_id: str, text: str) -> ReflectionAnswer | None:
    """Keep what an enrolled learner wrote under a reflection block of a published lesson (one answer
    per learner and block, replaced by each save); an empty text removes it and returns None. The
    answer and the learner's last activity are written together or not at all."""
    lesson = live_lesson(lesson_id)
    if lesson is None:
        raise NotFound.single("not_found", gettext("No such lesson."))
    if not any(block.block_type == "reflection" and block.id == block_id for block in lesson.body):
        raise NotFound.single("not_found", gettext("No such reflection in this lesson."))
    if not Enrolment.objects.filter(learner=learner, course=lesson_course(lesson)).exists():
        raise Forbidden.single("not_enrolled", gettext("Enrol in the course first."))
    if not isinstance(text, str):
        raise CourseError.single("invalid", gettext("Write your reflection as text."), "text")
    text = text.strip()
    if len(text) > ReflectionAnswer.TEXT_MAX:
        raise CourseError.single("too_long", gettext("Keep your reflection under %(max)s characters.")
                                 % {"max": f"{ReflectionAnswer.TEXT_MAX:,}"}, "text")
    if "\x00" in text:  # PostgreSQL cannot store it; nothing a keyboard types
        raise CourseError.single("invalid", gettext("Write your reflection as text."), "text")
    row = None
    if not text:
        ReflectionAnswer.objects.filter(learner=learner, lesson=lesson, block_id=block_id).delete()
    else:
        row, created = _get_or_create(ReflectionAnswer, defaults={"text": text}, learner=learner, lesson=lesson,
                                      block_id=block_id)
        if not created and row.text != text:
            row.text = text
            row.save(update_fields=["text", "updated_at"])
    user_touch_activity(user=learner)
    return row


# --- classes ---------------------------------------------------------------------

CLASS_NAME_MAX = 200


def class_create(*, teacher, name: str) -> SchoolClass:
    if not access.is_teacher(teacher):
        raise Forbidden.single("permission_denied", gettext("Only teachers create classes."))
    return SchoolClass.objects.create(teacher=teacher, name=_class_name(name))


def _class_name(name) -> str:
    name = (name or "").strip() if isinstance(name, str) else ""
    if not name or len(name) > CLASS_NAME_MAX:
        raise CourseError.single("invalid", gettext("A class name of 1 to 200 characters is required."), "name")
    return name


def _managed(actor, school_class: SchoolClass) -> None:
    """Every change to a class names who makes it, and is refused like a missing id to anyone else."""
    if not access.may_manage_class(user=actor, school_class=school_class):
        raise NotFound.single("not_found", gettext("No such class."))


def class_rename(*, actor, school_class: SchoolClass, name: str) -> SchoolClass:
    _managed(actor, school_class)
    school_class.name = _class_name(name)
    school_class.save(update_fields=["name"])
    return school_class


def access_class(*, user, class_id) -> SchoolClass:
    """The only way to fetch a class for its teacher: 404 unless `user` may manage it."""
    school_class = SchoolClass.objects.filter(pk=_small_id(class_id)).first() if _small_id(class_id) else None
    if school_class is None or not access.may_manage_class(user=user, school_class=school_class):
        raise NotFound.single("not_found", gettext("No such class."))
    return school_class


def _small_id(value) -> int | None:
    """A positive id that fits a 64-bit column, else None (a larger one names nothing)."""
    text = str(value)
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        return None
    return int(text) or None


def class_rotate_code(*, actor, school_class: SchoolClass) -> SchoolClass:
    _managed(actor, school_class)
    school_class.join_code = new_join_code()
    school_class.save(update_fields=["join_code"])
    return school_class


def class_archive(*, actor, school_class: SchoolClass, archived: bool = True) -> SchoolClass:
    _managed(actor, school_class)
    school_class.archived_at = timezone.now() if archived else None
    school_class.save(update_fields=["archived_at"])
    return school_class


def _enrol_in_assigned_courses(school_class: SchoolClass, students) -> None:
    course_ids = set(school_class.assignments.values_list("course_id", flat=True))
    rows = [Enrolment(learner=s, course_id=c, source=Enrolment.Source.CLASS) for s in students for c in course_ids]
    Enrolment.objects.bulk_create(rows, ignore_conflicts=True)
    if rows:
        # Some of these pairs were enrolled already: the receivers tell the new rows by their created_at.
        events.enrolled.send(sender=Enrolment, enrolments=rows, some_existed=True)


# What people put inside a code they copy or read out: spaces, hyphens and the dashes that word
# processors and phones turn hyphens into. None is in the code's alphabet (models.JOIN_CODE_ALPHABET).
_JOIN_CODE_SEPARATORS = dict.fromkeys(map(ord, " \t\n\r\u00a0\u202f-\u2010\u2011\u2012\u2013\u2014\u2212_."))


def join_code_normalise(code) -> str:
    """A join code as stored: upper case, without the separators people type into it."""
    return code.translate(_JOIN_CODE_SEPARATORS).upper() if isinstance(code, str) else ""


def class_join(*, student, join_code: str) -> tuple[SchoolClass, bool]:
    """The learner joins by the code their teacher gave them: their consent. Idempotent. The code is
    read as join_code_normalise reads it, so "k7pm2-qxa9d" or "K7PM2 QXA9D" finds K7PM2QXA9D."""
    code = join_code_normalise(join_code)
    school_class = SchoolClass.objects.filter(join_code=code, archived_at__isnull=True).first() if code else None
    if school_class is None:
        raise NotFound.single("invalid_join_code", gettext("No open class has that join code."), "join_code")
    if not access.may_join_classes(user=student):
        raise Forbidden.single("permission_denied", gettext("Only students join classes."))
    with transaction.atomic():
        created = _add_student(school_class, student)
        if created:
            audit.record(action=audit.Action.CLASS_JOINED, target=school_class, actor=student,
                         data={"student": student.pk, "by": "join_code"})
    return school_class, created


def _add_student(school_class: SchoolClass, student) -> bool:
    """Called only by the learner's own acts: a join code or an accepted invitation."""
    _, created = _get_or_create(ClassMembership, school_class=school_class, student=student)
    _enrol_in_assigned_courses(school_class, [student])
    return created


def class_join_by_lms_enrolment(*, student, school_class: SchoolClass, registration_id: int,
                                context_id: str, registration_active: bool = True) -> bool:
    """An LMS launch adds its learner to the class its LMS course maps to (lti/): enrolment in that course
    is the school's consent, trusted through the registration academy staff or an admin made
    (courses.access.may_join_class_by_lms_enrolment). Idempotent; audited like a join, naming the
    registration. True when the membership is new. The learner may leave like any other class."""
    if not access.may_join_class_by_lms_enrolment(user=student, registration_active=registration_active):
        raise Forbidden.single("permission_denied", gettext("Only students join classes."))
    if school_class.archived_at is not None:
        return False
    with transaction.atomic():
        created = _add_student(school_class, student)
        if created:
            audit.record(action=audit.Action.CLASS_JOINED, target=school_class, actor=student,
                         data={"student": student.pk, "by": "lms_enrolment", "lti_registration": registration_id,
                               "context": context_id[:255]})
    return created


def class_leave_by_lms_unenrolment(*, student, school_class: SchoolClass, registration_id: int) -> bool:
    """The LMS's roster no longer lists the learner in the course the class maps to (lti/, Names and Role
    Provisioning): the consent their enrolment gave has ended, so they leave, as by class_leave.
    Audited as a leave naming the registration. True when there was a membership."""
    with transaction.atomic():
        deleted, _ = ClassMembership.objects.filter(school_class=school_class, student=student).delete()
        if not deleted:
            return False
        Extension.objects.filter(assignment__school_class=school_class, student=student).delete()
        audit.record(action=audit.Action.CLASS_LEFT, target=school_class, actor=None,
                     data={"student": student.pk, "by": "lms_unenrolment", "lti_registration": registration_id})
    return True


def classes_hand_over(*, from_teacher, to_teacher) -> int:
    """Every class of `from_teacher` becomes `to_teacher`'s (lti/: an account the LMS made, linked to the
    person's full account). Both must be teachers; the number of classes moved."""
    if not (access.is_teacher(from_teacher) and access.is_teacher(to_teacher)):
        return 0
    return SchoolClass.objects.filter(teacher=from_teacher).update(teacher=to_teacher)


def class_leave(*, student, class_id) -> None:
    """The learner leaves: from now on the class's teacher sees none of their records."""
    class_pk = _small_id(class_id) or 0
    with transaction.atomic():
        deleted, _ = ClassMembership.objects.filter(school_class_id=class_pk, student=student).delete()
        if not deleted:
            raise NotFound.single("not_found", gettext("You are not in that class."))
        Extension.objects.filter(assignment__school_class_id=class_pk, student=student).delete()
        audit.record(action=audit.Action.CLASS_LEFT, target=("courses.schoolclass", str(class_pk)),
                     actor=student, data={"student": student.pk})


def roster_remove(*, actor, school_class: SchoolClass, student_id: int) -> None:
    _managed(actor, school_class)
    with transaction.atomic():
        deleted, _ = ClassMembership.objects.filter(school_class=school_class, student_id=student_id).delete()
        if not deleted:
            raise NotFound.single("not_found", gettext("That student is not in this class."))
        Extension.objects.filter(assignment__school_class=school_class, student_id=student_id).delete()
        audit.record(action=audit.Action.CLASS_STUDENT_REMOVED, target=school_class, actor=actor,
                     data={"student": student_id})


# --- invitations -----------------------------------------------------------------------

_email_field = EmailField(max_length=254)


def _normalised_email(email) -> str:
    try:
        return _email_field.clean(email.strip() if isinstance(email, str) else email).casefold()
    except ValidationError:
        raise CourseError.single("invalid", gettext("Enter a valid email address."), "email") from None


def invitation_send(*, actor, school_class: SchoolClass, email: str) -> None:
    """Invite the owner of an address to the class. The caller learns nothing about the address:
    whether an account has it, or is in the class already, the answer is the same, and the mail
    goes to the address itself. Inviting again re-sends a pending invitation."""
    _managed(actor, school_class)
    if school_class.archived_at is not None:
        raise Conflict.single("archived", gettext("Reopen the class before inviting anyone."), None)
    address = _normalised_email(email)
    with transaction.atomic():
        member = ClassMembership.objects.filter(school_class=school_class, student__email__iexact=address).exists()
        if member:
            return
        invitation, created = _get_or_create(ClassInvitation, defaults={"invited_by": actor},
                                             school_class=school_class, email=address)
        if not created:
            # Asked again (or accepted earlier by a learner who has left since): a new mail.
            invitation.accepted_at, invitation.invited_by, invitation.mailed_at = None, actor, None
            invitation.save(update_fields=["accepted_at", "invited_by", "mailed_at"])
        audit.record(action=audit.Action.INVITATION_SENT, target=invitation, actor=actor,
                     data={"class": school_class.pk})
        transaction.on_commit(lambda: mail.invitation_queue(invitation_id=invitation.pk))


def _invitation_for(user, invitation_id) -> ClassInvitation:
    invitation = (ClassInvitation.objects.select_related("school_class").filter(pk=_small_id(invitation_id) or 0)
                  .first())
    if invitation is None or not access.may_answer_invitation(user=user, invitation=invitation):
        raise NotFound.single("not_found", gettext("No such invitation."))
    return invitation


def invitation_accept(*, user, invitation_id) -> tuple[SchoolClass, bool]:
    """The invited learner says yes: they join the class. Idempotent."""
    with transaction.atomic():
        invitation = _invitation_for(user, invitation_id)
        school_class = invitation.school_class
        if not access.may_join_classes(user=user):
            raise Forbidden.single("permission_denied", gettext("Only students join classes."))
        if invitation.accepted_at is None and school_class.archived_at is not None:
            raise NotFound.single("not_found", gettext("No such invitation."))
        created = _add_student(school_class, user)
        if invitation.accepted_at is None:
            invitation.accepted_at = timezone.now()
            invitation.save(update_fields=["accepted_at"])
            audit.record(action=audit.Action.INVITATION_ACCEPTED, target=invitation, actor=user,
                         data={"class": school_class.pk, "student": user.pk})
    return school_class, created


def invitation_decline(*, user, invitation_id) -> None:
    with transaction.atomic():
        invitation = _invitation_for(user, invitation_id)
        if invitation.accepted_at is not None:
            raise Conflict.single("accepted", gettext("You accepted this invitation; leave the class instead."), None)
        audit.record(action=audit.Action.INVITATION_DECLINED, target=invitation, actor=user,
                     data={"class": invitation.school_class_id})
        invitation.delete()


def invitation_withdraw(*, actor, school_class: SchoolClass, invitation_id) -> None:
    _managed(actor, school_class)
    with transaction.atomic():
        invitation = school_class.invitations.filter(pk=_small_id(invitation_id) or 0, accepted_at__isnull=True).first()
        if invitation is None:
            raise NotFound.single("not_found", gettext("No such invitation."))
        audit.record(action=audit.Action.INVITATION_WITHDRAWN, target=invitation, actor=actor,
                     data={"class": school_class.pk})
        invitation.delete()


# --- teachers' verification ------------------------------------------------------------

SCHOOL_MAX, NOTE_MAX = 200, 2000


def verification_request(*, teacher, school: str, note: str = "") -> TeacherVerification:
    """A teacher asks academy staff to vouch for them (needed to change grades)."""
    if not access.is_teacher(teacher) or access.is_platform_admin(teacher):
        raise Forbidden.single("permission_denied", gettext("Only teachers ask to be verified."))
    school = (school or "").strip() if isinstance(school, str) else ""
    note = (note or "").strip() if isinstance(note, str) else ""
    if not school or len(school) > SCHOOL_MAX:
        raise CourseError.single("invalid", gettext("Name your school or organisation (1 to 200 characters)."),
                                 "school")
    if len(note) > NOTE_MAX:
        raise CourseError.single("invalid", gettext("At most 2,000 characters."), "note")
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=teacher.pk).first()  # one request at a time per teacher
        state = access.verification_state(teacher)
        if state == TeacherVerification.State.VERIFIED:
            raise Conflict.single("already_verified", gettext("You are verified already."), None)
        if state == TeacherVerification.State.PENDING:
            raise Conflict.single("already_pending", gettext("Your request is waiting for a decision."), None)
        row = TeacherVerification.objects.create(teacher=teacher, school=school, note=note)
        audit.record(action=audit.Action.VERIFICATION_REQUESTED, target=row, actor=teacher)
    return row


def verification_decide(*, actor, verification_id, approve: bool, note: str = "") -> TeacherVerification:
    """Academy staff or an admin grant or refuse a pending request. Audited; the teacher is mailed the
    decision once the transaction commits (a notice: courses/mail.py, courses/reminders.py)."""
    if not access.may_decide_verifications(user=actor):
        raise Forbidden.single("permission_denied", gettext("Only academy staff and administrators decide."))
    note = (note or "").strip() if isinstance(note, str) else ""
    if len(note) > NOTE_MAX:
        raise CourseError.single("invalid", gettext("At most 2,000 characters."), "note")
    with transaction.atomic():
        row = (TeacherVerification.objects.select_for_update().select_related("teacher")
               .filter(pk=_small_id(verification_id) or 0, revoked_at__isnull=True).first())
        if row is None:
            raise NotFound.single("not_found", gettext("No such request."))
        if row.teacher_id == actor.pk:
            raise Forbidden.single("permission_denied", gettext("Nobody decides their own request."))
        if row.state != TeacherVerification.State.PENDING:
            raise Conflict.single("decided", gettext("This request was decided already."), None)
        row.state = TeacherVerification.State.VERIFIED if approve else TeacherVerification.State.REJECTED
        row.decided_by, row.decided_at, row.decision_note = actor, timezone.now(), note
        row.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
        audit.record(action=audit.Action.TEACHER_VERIFIED if approve else audit.Action.TEACHER_REJECTED,
                     target=row, actor=actor, data={"teacher": row.teacher_id})
        transaction.on_commit(lambda: mail.verification_decision_queue(verification_id=row.pk))
    return row


def verification_vouch(*, teacher, school: str, vouched_by, registration_id: int) -> TeacherVerification | None:
    """A teacher verified because an LMS registration vouches for its school's instructors (lti/): the
    registration, made by academy staff or an admin who may decide verifications, is their decision made
    in advance. Does nothing for a teacher verified already (or not a teacher: None). Audited as a
    verification, naming the registration; revoked like any other when the teacher stops being one."""
    if not access.is_teacher(teacher) or access.is_platform_admin(teacher):
        return None
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=teacher.pk).first()  # one decision at a time per teacher
        if access.teacher_is_verified(teacher):
            return None
        now = timezone.now()
        TeacherVerification.objects.filter(teacher=teacher, state=TeacherVerification.State.PENDING).update(
            state=TeacherVerification.State.VERIFIED, decided_by=vouched_by, decided_at=now,
            decision_note=f"LMS registration {registration_id}")
        row = TeacherVerification.objects.filter(teacher=teacher, state=TeacherVerification.State.VERIFIED,
                                                 revoked_at__isnull=True).first()
        if row is None:
            row = TeacherVerification.objects.create(
                teacher=teacher, school=school[:SCHOOL_MAX], state=TeacherVerification.State.VERIFIED,
                decided_by=vouched_by, decided_at=now, decision_note=f"LMS registration {registration_id}")
        audit.record(action=audit.Action.TEACHER_VERIFIED, target=row, actor=vouched_by,
                     data={"teacher": teacher.pk, "by": "lti_registration", "lti_registration": registration_id})
    return row


def _future_due(due_at) -> None:
    # A due date already gone would make the module overdue the moment it is assigned: a typo, not a plan.
    if due_at <= timezone.now():
        raise CourseError.single("due_in_past", gettext("The due date has passed. Choose a later date."), "due_at")


def assignment_create(*, actor, school_class: SchoolClass, module_id, due_at) -> tuple[Assignment, bool]:
    """Assign a published module; enrols the class's students in its course. Assigning it again changes
    nothing and answers `created` False (the caller says so: it is not a new assignment)."""
    _managed(actor, school_class)
    module = ModulePage.objects.live().filter(pk=_small_id(module_id) or 0).first()
    if module is None:
        raise CourseError.single("invalid", gettext("No published module with that id."), "module")
    existing = school_class.assignments.filter(module=module).first()
    if existing is not None:
        return existing, False
    _future_due(due_at)
    course = CoursePage.objects.ancestor_of(module).first()
    with transaction.atomic():
        assignment, created = _get_or_create(
            Assignment, defaults={"due_at": due_at, "course": course}, school_class=school_class, module=module
        )
        students = [m.student for m in school_class.memberships.select_related("student")]
        _enrol_in_assigned_courses(school_class, students)
    return assignment, created


def access_assignment(*, school_class: SchoolClass, assignment_id) -> Assignment:
    assignment = school_class.assignments.filter(pk=_small_id(assignment_id) or 0).first()
    if assignment is None:
        raise NotFound.single("not_found", gettext("No such assignment."))
    return assignment


def assignment_update(*, actor, assignment: Assignment, due_at) -> Assignment:
    """A new due date for the whole class; students' extensions stay as they are (each is its own date)."""
    _managed(actor, assignment.school_class)
    _future_due(due_at)
    assignment.due_at = due_at
    assignment.save(update_fields=["due_at"])
    return assignment


def assignment_delete(*, actor, assignment: Assignment) -> None:
    """Unassign: the module's extensions go with it; learners keep their enrolments and their work."""
    _managed(actor, assignment.school_class)
    assignment.delete()


def extension_set(*, actor, assignment: Assignment, student_id: int, due_at) -> Extension:
    _managed(actor, assignment.school_class)
    if not assignment.school_class.memberships.filter(student_id=student_id).exists():
        raise NotFound.single("not_found", gettext("That student is not in this class."), "student")
    if due_at <= assignment.due_at:
        raise Conflict.single("invalid", gettext("An extension must be later than the due date."), "due_at")
    extension, _ = Extension.objects.update_or_create(
        assignment=assignment, student_id=student_id, defaults={"due_at": due_at}
    )
    return extension


