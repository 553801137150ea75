"""Names and Role Provisioning (issue 17, item 3): the LMS course's roster, fetched over HTTP page by
page with a token for the membership scope, keeps the class in step on an instructor's launch and
periodically."""
import pytest
from django.test import Client

from accounts.models import AuditEvent
from courses.models import ClassMembership, SchoolClass
from lti.models import LtiAccount, LtiContext
from lti.tasks import sync_roster, sync_rosters

from .conftest import launch, register

pytestmark = pytest.mark.django_db
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"


def member(user_id, roles=(LEARNER,), status="Active", **extra):
    return {"user_id": user_id, "roles": list(roles), "status": status, **extra}


def test_an_instructors_launch_brings_the_roster_into_the_class(platform, academy, staff,
                                                                 django_capture_on_commit_callbacks):
    register(platform, academy, staff)
    platform.members = [member("t-1", roles=(INSTRUCTOR,)), member("s-1", given_name="Amina"), member("s-2"),
                        member("s-3", status="Inactive"), member("s-4")]
    with django_capture_on_commit_callbacks(execute=True):
        launch(Client(), platform, sub="t-1", roles=("Instructor",),
               **{NRPS: {"context_memberships_url": platform.url("/memberships"), "service_versions": ["2.0"]}})
    school_class = SchoolClass.objects.get()
    members = set(ClassMembership.objects.filter(school_class=school_class)
                  .values_list("student__lti_accounts__subject", flat=True))
    assert members == {"s-1", "s-2", "s-4"}  # the active learners: not the instructor, not the inactive one
    assert [p for p, _ in platform.roster_requests] == ["/memberships", "/memberships?page=1", "/memberships?page=2"]
    assert platform.roster_requests[0][1] == "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
    assert LtiAccount.objects.get(subject="s-1").user.first_name == "Amina"
    assert LtiContext.objects.get().roster_synced_at is not None
    # A learner the roster named launches later: the same account.
    launch(Client(), platform, sub="s-2")
    assert LtiAccount.objects.filter(subject="s-2").count() == 1

    # The LMS unenrols s-2: the next sync takes them out of the class, audited; running it twice changes nothing.
    platform.members = [m for m in platform.members if m["user_id"] != "s-2"]
    context = LtiContext.objects.get()
    assert sync_roster.delay(context.pk).get() == {"joined": 0, "left": 1}
    assert sync_roster.delay(context.pk).get() == {"joined": 0, "left": 0}
    assert set(ClassMembership.objects.values_list("student__lti_accounts__subject", flat=True)) == {"s-1", "s-4"}
    left = AuditEvent.objects.get(action=AuditEvent.Action.CLASS_LEFT)
    assert left.data["by"] == "lms_unenrolment"


def test_beat_syncs_the_rosters_that_are_due(platform, academy, staff, settings,
                                             django_capture_on_commit_callbacks):
    register(platform, academy, staff)
    nrps = {NRPS: {"context_memberships_url": platform.url("/memberships"), "service_versions": ["2.0"]}}
    launch(Client(), platform, sub="t-1", roles=("Instructor",), **nrps)  # callbacks not run: no sync yet
    platform.members = [member("s-1")]
    assert sync_rosters.delay().get() == 1
    assert ClassMembership.objects.count() == 1
    assert sync_rosters.delay().get() == 0  # synced just now: not due
    settings.LTI_ROSTER_SYNC_SECONDS = 0
    assert sync_rosters.delay().get() == 1


def test_a_roster_never_adds_people_of_another_lms_to_the_class(platform, academy, staff):
    register(platform, academy, staff)
    nrps = {NRPS: {"context_memberships_url": platform.url("/memberships")}}
    launch(Client(), platform, sub="t-1", roles=("Instructor",), **nrps)
    platform.members = [member("s-1")]
    sync_roster.delay(LtiContext.objects.get().pk).get()
    # Someone from another issuer with the same sub is another person, untouched by this roster.
    LtiAccount.objects.filter(subject="s-1").update(issuer="https://other.example")
    platform.members = []
    assert sync_roster.delay(LtiContext.objects.get().pk).get() == {"joined": 0, "left": 0}
    assert ClassMembership.objects.count() == 1
