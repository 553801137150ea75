"""Names and Role Provisioning Services: the LMS course's roster kept in step with its Parley class, on
an instructor's launch and periodically (beat). Active learners of the roster get their account (made
without a launch when needed, as a launch would) and join the class; learners the roster no longer lists
as active, whose accounts this LMS made or linked, leave it (their enrolment's consent ended)."""
from django.db import transaction
from django.utils import timezone

from courses import access
from courses import services as course_services
from courses.models import ClassMembership

from .models import LtiContext
from .platform import PlatformUnreachable, http_get_page
from .scores import access_token

NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
ACCEPT = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
MAX_PAGES = 100
LEARNER_ROLES = {"http://purl.imsglobal.org/vocab/lis/v2/membership#Learner", "Learner"}


def roster_fetch(context: LtiContext) -> list[dict]:
    """Every member the platform lists, following its `next` pages (at most MAX_PAGES)."""
    token = access_token(context.registration, NRPS_SCOPE)
    members, url = [], context.memberships_url
    for _page in range(MAX_PAGES):
        page, url = http_get_page(url, bearer=token, accept=ACCEPT)
        members += [m for m in page.get("members", []) if isinstance(m, dict)]
        if not url:
            return members
    raise PlatformUnreachable("too many pages")


def roster_sync(*, context_id: int) -> dict:
    """Bring the class of one LMS context in step with the platform's roster. Safe to run twice and
    concurrently (joins and leaves are idempotent). Raises PlatformUnreachable for the task to retry."""
    from .services import account_for

    context = (LtiContext.objects.select_related("registration", "school_class")
               .filter(pk=context_id).first())
    if (context is None or not context.memberships_url or context.school_class is None
            or not context.registration.active or context.school_class.archived_at is not None):
        return {"joined": 0, "left": 0}
    registration, school_class = context.registration, context.school_class
    members = roster_fetch(context)
    active = {}
    for member in members:
        user_id, roles = member.get("user_id"), member.get("roles") or []
        if (isinstance(user_id, str) and user_id and len(user_id) <= 255 and member.get("status", "Active") == "Active"
                and isinstance(roles, list) and LEARNER_ROLES & set(roles)):
            active[user_id] = member
    joined = left = 0
    with transaction.atomic():
        for subject, member in active.items():
            claims = {"iss": registration.issuer, "sub": subject, "given_name": member.get("given_name", ""),
                      "family_name": member.get("family_name", "")}
            user = account_for(registration=registration, claims=claims, instructor=False, launched=False)
            if access.is_student(user):
                joined += course_services.class_join_by_lms_enrolment(
                    student=user, school_class=school_class, registration_id=registration.pk,
                    context_id=context.context_id, registration_active=registration.active)
        gone = (ClassMembership.objects.filter(school_class=school_class,
                                               student__lti_accounts__issuer=registration.issuer)
                .exclude(student__lti_accounts__subject__in=list(active)).select_related("student").distinct())
        for membership in gone:
            left += course_services.class_leave_by_lms_unenrolment(
                student=membership.student, school_class=school_class, registration_id=registration.pk)
        LtiContext.objects.filter(pk=context.pk).update(roster_synced_at=timezone.now())
    return {"joined": joined, "left": left}


def rosters_due(*, older_than) -> list[int]:
    return list(LtiContext.objects.filter(registration__active=True, school_class__isnull=False)
                .exclude(memberships_url="")
                .exclude(roster_synced_at__gt=older_than).values_list("id", flat=True)[:500])
