"""What a valid launch does: the person's account (by issuer and sub), their role, the class of the LMS
course and the page to open. Called by lti/views.py after lti/launch.py validated the launch; one
transaction, so a launch refused here (a target not offered) leaves nothing behind."""
import secrets
import urllib.parse

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import Role
from assessments.models import Attempt, Exercise
from cms.models import AcademyPage, CoursePage, LessonExercise, LessonPage, ModulePage
from courses import access
from courses import services as course_services
from courses.errors import Conflict, Forbidden
from courses.models import ClassMembership, Enrolment

from .launch import LTI, LaunchRefused
from .models import LineItem, LtiAccount, LtiContext, Registration

User = get_user_model()
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
TARGET_KINDS = ("course", "module", "lesson", "exercise")


def launch_roles(claims: dict) -> tuple[bool, bool]:
    """(instructor, learner) from the roles claim (full URIs, or the short names LTI allows in context
    roles). Institution and system roles, Administrator among them, are read as neither."""
    roles = set(claims.get(LTI + "roles", []))
    instructor = bool(roles & {INSTRUCTOR, "Instructor"})
    learner = bool(roles & {LEARNER, "Learner"})
    return instructor, learner


def target_of(claims: dict) -> tuple[str, int] | None:
    """What the link opens: the custom parameter `target` ("lesson:12"), else the `target` query parameter
    of the target link URI; None for the academy's catalogue."""
    custom = claims.get(LTI + "custom") or {}
    raw = custom.get("target") if isinstance(custom, dict) else None
    if not raw:
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(claims.get(LTI + "target_link_uri", "")).query)
        raw = (query.get("target") or [None])[0]
    if not raw:
        return None
    kind, _, ident = str(raw).partition(":")
    if kind not in TARGET_KINDS or not ident.isascii() or not ident.isdigit() or not 0 < int(ident) < 2 ** 63:
        raise LaunchRefused("target")
    return kind, int(ident)


def target_resolve(*, registration: Registration, target) -> tuple[str, CoursePage | None]:
    """The site's address of the target and its course, when the registration's academy offers it
    (published, below the academy's pages; an exercise of the academy). Else LaunchRefused("target")."""
    if target is None:
        return reverse("frontend:catalogue"), None
    kind, ident = target
    if kind == "exercise":
        exercise = Exercise.objects.filter(pk=ident, academy_id=registration.academy_id).first()
        if exercise is None:
            raise LaunchRefused("target")
        link = (LessonExercise.objects.filter(exercise=exercise, lesson__live=True)
                .select_related("course").order_by("id").first())
        return reverse("frontend:exercise", args=[exercise.pk]), link.course if link else None
    under = Q()
    for path in AcademyPage.objects.filter(academy_id=registration.academy_id).values_list("path", flat=True):
        under |= Q(path__startswith=path)
    if not under:
        raise LaunchRefused("target")
    model = {"course": CoursePage, "module": ModulePage, "lesson": LessonPage}[kind]
    page = model.objects.live().filter(under, pk=ident).first()
    if page is None:
        raise LaunchRefused("target")
    course = page if kind == "course" else CoursePage.objects.live().ancestor_of(page).first()
    return page.learner_path(), course


def _username() -> str:
    """A name that says nothing of the person: the LMS's ids are its own (teachers see this name)."""
    return "lti-" + secrets.token_hex(6)


def _account(*, registration: Registration, claims: dict, instructor: bool, launched: bool = True) -> User:
    """The Parley account linked to (issuer, sub), made on the first launch: no email, no password (it
    signs in through the LMS, and may later be linked to a full account), a teacher when the LMS says
    Instructor, else a student."""
    issuer, subject = claims["iss"], claims["sub"]
    link = LtiAccount.objects.select_related("user").filter(issuer=issuer, subject=subject).first()
    for _attempt in range(3):
        if link is not None:
            break
        given, family = str(claims.get("given_name") or ""), str(claims.get("family_name") or "")
        if not given and not family:  # an LMS may send only the whole name (OIDC `name`)
            given = str(claims.get("name") or "")
        user = User(username=_username(), role=Role.TEACHER if instructor else Role.STUDENT,
                    first_name=given[:150], last_name=family[:150])
        user.set_unusable_password()
        try:
            with transaction.atomic():
                user.save()
                link = LtiAccount.objects.create(issuer=issuer, subject=subject, user=user,
                                                 registration=registration)
        except IntegrityError:  # the same person's launch in another tab won the race (or a name was taken)
            link = LtiAccount.objects.select_related("user").filter(issuer=issuer, subject=subject).first()
    if link is None:
        raise LaunchRefused("role")
    if launched:
        LtiAccount.objects.filter(pk=link.pk).update(last_launch_at=timezone.now())
    return link.user


account_for = _account


def _context_class(*, registration, claims, user, instructor):
    context = claims.get(LTI + "context")
    if not isinstance(context, dict) or not isinstance(context.get("id"), str) or not context["id"]:
        return None
    title = str(context.get("title") or context.get("label") or context["id"])[:200]
    row, _ = LtiContext.objects.get_or_create(registration=registration, context_id=context["id"][:255],
                                              defaults={"title": title})
    nrps = claims.get(NRPS_CLAIM)
    url = nrps.get("context_memberships_url") if isinstance(nrps, dict) else None
    if isinstance(url, str) and url.startswith(("https://", "http://")) and len(url) <= 2000 \
            and url != row.memberships_url:
        row.memberships_url = url
        row.save(update_fields=["memberships_url"])
    if row.school_class_id is None and instructor and access.is_teacher(user):
        row.school_class = course_services.class_create(teacher=user, name=title)
        row.save(update_fields=["school_class"])
    return row


AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"


def _line_item(*, registration, claims, context, exercise_id):
    """The gradebook column of this resource link, when the platform offers one with the score scope."""
    endpoint = claims.get(AGS)
    if not isinstance(endpoint, dict):
        return None
    url, scope = endpoint.get("lineitem"), endpoint.get("scope") or []
    if not isinstance(url, str) or not url.startswith(("https://", "http://")) or len(url) > 2000:
        return None
    if "https://purl.imsglobal.org/spec/lti-ags/scope/score" not in scope:
        return None
    row, _ = LineItem.objects.get_or_create(registration=registration, url=url,
                                            defaults={"exercise_id": exercise_id, "context": context})
    return row


@transaction.atomic
def launch_accept(*, registration: Registration, claims: dict):
    """Make what a valid launch makes and say where it goes: (user, the site's path). The account; an
    instructor's verification when the registration vouches for its school's teachers; the LMS course's
    class (made by its first instructor's launch) and a learner's membership in it; a learner's
    enrolment in the target's course. Administrators get nothing their Parley role does not give."""
    url, course = target_resolve(registration=registration, target=target_of(claims))
    instructor, _learner = launch_roles(claims)
    user = _account(registration=registration, claims=claims, instructor=instructor)
    if not user.is_active:
        raise LaunchRefused("role")
    if instructor and registration.vouches_for_teachers and access.is_teacher(user):
        course_services.verification_vouch(teacher=user, school=registration.school,
                                           vouched_by=registration.created_by, registration_id=registration.pk)
    context = _context_class(registration=registration, claims=claims, user=user, instructor=instructor)
    target = target_of(claims)
    if target is not None and target[0] == "exercise":
        _line_item(registration=registration, claims=claims, context=context, exercise_id=target[1])
    if access.is_student(user):
        if context is not None and context.school_class is not None:
            course_services.class_join_by_lms_enrolment(
                student=user, school_class=context.school_class, registration_id=registration.pk,
                context_id=context.context_id, registration_active=registration.active)
        if course is not None:
            course_services.enrol(learner=user, course=course, source=Enrolment.Source.EXTERNAL)
    if context is not None and context.memberships_url and context.school_class_id and instructor:
        from .tasks import sync_roster

        # An instructor's launch brings the roster in step (and beat does, every LTI_ROSTER_SYNC_SECONDS).
        transaction.on_commit(lambda: _publish_roster(sync_roster, context.pk))
    return user, url


def _publish_roster(task, context_id):
    try:
        task.apply_async(args=[context_id], retry=False)
    except Exception:  # noqa: BLE001 - the broker is down: beat's periodic sync catches up
        pass


def lti_account_link(*, user, full_account) -> int:
    """Link the LMS-made account `user` to the person's full Parley account (whose password they gave):
    from now on launches with its (issuer, sub) sign into `full_account`. Its LMS classes follow: a
    learner's memberships are made again for the full account (the LMS enrolment's consent, as on
    launch), a teacher's classes are handed over; then the LMS-made account is closed. Refused when the
    LMS-made account has attempts of its own (they cannot be moved to another learner without rewriting
    graded records), or is not one the LMS made. The number of (issuer, sub) links moved."""
    links = LtiAccount.objects.filter(user=user)
    if user.has_usable_password() or not links.exists():
        raise Forbidden.single("permission_denied", gettext("Only an account your LMS made can be linked."))
    if full_account.pk == user.pk or not full_account.is_active or not full_account.has_usable_password():
        raise Forbidden.single("permission_denied", gettext("Sign in with a full Parley account."))
    if Attempt.objects.filter(learner=user).exists():
        raise Conflict.single("has_attempts", gettext(
            "This account has attempts of its own, which stay with it: keep using it through your LMS."))
    with transaction.atomic():
        moved = links.update(user=full_account)
        memberships = ClassMembership.objects.filter(student=user).select_related("school_class")
        for membership in memberships:
            context = LtiContext.objects.filter(school_class=membership.school_class).select_related(
                "registration").first()
            if context is not None and access.is_student(full_account):
                course_services.class_join_by_lms_enrolment(
                    student=full_account, school_class=membership.school_class,
                    registration_id=context.registration_id, context_id=context.context_id,
                    registration_active=context.registration.active)
            course_services.class_leave(student=user, class_id=membership.school_class_id)
        for enrolment in Enrolment.objects.filter(learner=user).select_related("course"):
            if access.is_student(full_account):
                course_services.enrol(learner=full_account, course=enrolment.course, source=enrolment.source)
        course_services.classes_hand_over(from_teacher=user, to_teacher=full_account)
        user.is_active = False
        user.save(update_fields=["is_active"])
    return moved


@transaction.atomic
def deep_link_accept(*, registration: Registration, claims: dict):
    """A deep linking request's person: an instructor's account (verified as on a launch) and the LMS
    course's class, so the pick can be assigned to it."""
    instructor, _learner = launch_roles(claims)
    user = _account(registration=registration, claims=claims, instructor=instructor)
    if not user.is_active or not access.is_teacher(user):
        raise LaunchRefused("deep_link_role")
    if registration.vouches_for_teachers:
        course_services.verification_vouch(teacher=user, school=registration.school,
                                           vouched_by=registration.created_by, registration_id=registration.pk)
    _context_class(registration=registration, claims=claims, user=user, instructor=instructor)
    return user
