"""One school, made the way strangers and admins make one, shared by the API, site and CMS tables.

Every actor is made through the doors a person has: learners and teachers sign up
(`user_register`), join classes with a code, teachers ask to be verified and staff
decide; the admin is made as `createsuperuser` makes one and given the admin role;
staff are people an admin put on an academy's staff (`academy_add_staff`); the
demoted editor lost the role through `user_set_role`; the deleted learner deleted
their own account (`account_delete`) after signing in, so their token and session
are ones a real client would still hold.

The world is built once per test module (publishing pages is slow) inside a
transaction that is rolled back at the end; each test runs in a savepoint.
"""
import copy
import io
import shutil
import tempfile
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db import transaction
from django.test import Client, override_settings
from PIL import Image as PILImage
from rest_framework.test import APIClient
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection

from accounts import privacy
from accounts.models import AcademyMembership, Role, User
from accounts.services import (
    academy_add_staff,
    email_verification_token,
    token_issue,
    user_register,
    user_set_role,
)
from assessments import services as assessment_services
from assessments.models import Attempt
from cms.demo import load_negotiations
from cms.models import AcademyPage, CoursePage, CurriculumPage, LessonPage
from courses import reviews
from courses import services as course_services
from courses.models import JournalEntry
from credentials import services as credential_services
from credentials.certificates import certificate_render
from notices.services import unsubscribe_token as unsubscribe_token_of

from ..factories import (
    CRITICAL_PATH,
    PASSING_PATH,
    QUIZ,
    SPEC_PATH,
    course_lessons,
    course_modules,
    import_exercise,
    later,
    make_academy,
    make_course,
)

PASSWORD = "pw-Secret-123"
RIVER = next(doc for doc in load_negotiations() if doc["slug"] == "river-releases")

# Anyone a stranger (or an admin) can bring into being, and what each can reach.
ACTORS = [
    "anonymous",
    "learner",                 # in the teacher's class and the unverified teacher's, joined by code
    "other_learner",           # in another verified teacher's class; invited to the teacher's class
    "unverified_teacher",      # self-registered; their class holds the learner and the assigned module
    "teacher",                 # the class's teacher, verified by the academy's editor
    "other_verified_teacher",  # verified, with a class of their own, but not the learner's teacher
    "two_account_teacher",     # unverified; their second, student account is in their class with a graded attempt
    "editor",                  # the exercise's academy: editor
    "reviewer",                # the exercise's academy: reviewer
    "other_staff",             # editor of another academy
    "demoted_staff",           # was the academy's editor, then made a student by an admin
    "deleted",                 # a learner of the class who deleted their account (their old token and session)
    "admin",
]

# The word in the titles of the academy's CMS objects that no one else may see.
SECRET = "zqsecret"

# Tables of the apps that keep records: a refused request must leave each as it was.
RECORD_APPS = ("accounts", "courses", "assessments", "notices", "lti", "records", "credentials")


@dataclass
class World:
    users: dict
    ids: dict
    values: dict = field(default_factory=dict)


def _register(name: str, role: str = Role.STUDENT) -> User:
    return user_register(username=name, email=f"{name}@example.org", password=PASSWORD, role=role)


def _verified(name: str, by: User) -> User:
    teacher = _register(name, Role.TEACHER)
    row = course_services.verification_request(teacher=teacher, school="Lycée Jean Monnet")
    course_services.verification_decide(actor=by, verification_id=row.pk, approve=True)
    return teacher


def _class_with(teacher: User, name: str, students, module) -> object:
    school_class = course_services.class_create(teacher=teacher, name=name)
    for student in students:
        course_services.class_join(student=student, join_code=school_class.join_code)
    course_services.assignment_create(actor=teacher, school_class=school_class, module_id=module.pk, due_at=later(7))
    return school_class


def _graded(exercise, learner, steps=SPEC_PATH) -> Attempt:
    attempt, _ = assessment_services.attempt_submit(exercise=exercise, learner=learner, answers={"steps": steps})
    assessment_services.attempt_grade(attempt_id=attempt.pk)
    return attempt


def _below_home(page) -> str:
    """The page's path under the home page, as Wagtail's page serving would take it."""
    return page.url_path.split("/", 2)[2]


def _png() -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), (200, 80, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


def _cms_objects(academy) -> dict:
    """What the CMS table probes: the academy's own objects, each titled with SECRET and shown nowhere
    on the public site (a draft page, an image and a document no page uses, an exercise no lesson embeds)."""
    curriculum = CurriculumPage.objects.child_of(AcademyPage.of(academy)).first()
    collection = Collection.objects.get(name=academy.name)
    draft = curriculum.add_child(instance=CoursePage(title=f"{SECRET} draft course", slug=f"{SECRET}-draft",
                                                     summary="Not ready.", live=False))
    draft.save_revision()
    image = get_image_model()(title=f"{SECRET} image", collection=collection)
    image.file = ImageFile(io.BytesIO(_png()), name=f"{SECRET}.png")
    image.save()
    document = get_document_model()(title=f"{SECRET} document", collection=collection)
    document.file.save(f"{SECRET}.txt", ContentFile(b"The answer key."), save=True)
    exercise = import_exercise(academy, visibility="course", title=f"{SECRET} exercise", slug=f"{SECRET}-exercise")
    return {"draft_page": draft.pk, "image": image.pk, "document": document.pk, "secret_exercise": exercise.pk,
            "document_file": document.file.name.rsplit("/", 1)[-1], "image_file": image.file.name,
            "draft_path": _below_home(draft)}


def build_world() -> World:
    """Two academies; a course of the first with a course-only scenario, a quiz and a negotiation (the river
    demo, with the learner's negotiation in progress) in its first module;
    four classes (the teacher's, the unverified teacher's, the other verified teacher's, the two-account
    teacher's), each assigned that module; the learner's attempts in each state an endpoint needs, one
    of them overridden by the teacher; a pending invitation and a pending verification request."""
    academy, elsewhere = make_academy(), make_academy()
    exercise = import_exercise(academy, visibility="course")
    quiz = import_exercise(academy, document=copy.deepcopy(QUIZ), visibility="course")
    negotiation = import_exercise(academy, document=copy.deepcopy(RIVER), visibility="course")
    course = make_course(academy, modules=2, lessons=2,
                         exercises_in={(0, 0): [exercise.pk], (0, 1): [quiz.pk, negotiation.pk]})
    lessons, modules = course_lessons(course), course_modules(course)

    admin = User.objects.create_superuser("site-admin", "site-admin@example.org", PASSWORD)
    user_set_role(user=admin, role=Role.ADMIN, actor=None)
    users = {"admin": admin}
    for name, staff_role, where in (("editor", AcademyMembership.StaffRole.EDITOR, academy),
                                    ("reviewer", AcademyMembership.StaffRole.REVIEWER, academy),
                                    ("other_staff", AcademyMembership.StaffRole.EDITOR, elsewhere),
                                    ("demoted_staff", AcademyMembership.StaffRole.EDITOR, academy)):
        users[name] = _register(name.replace("_", "-"))
        academy_add_staff(academy=where, user=users[name], staff_role=staff_role, actor=admin)
    user_set_role(user=users["demoted_staff"], role=Role.STUDENT, actor=admin)

    users["teacher"] = _verified("class-teacher", by=users["editor"])
    users["other_verified_teacher"] = _verified("other-teacher", by=admin)
    users["unverified_teacher"] = _register("fresh-teacher", Role.TEACHER)
    users["two_account_teacher"] = _register("double-teacher", Role.TEACHER)
    pending = course_services.verification_request(teacher=users["two_account_teacher"], school="Home school")
    for name, username in (("learner", "mira-okafor"), ("other_learner", "other-learner"),
                           ("deleted", "gone-learner")):
        users[name] = _register(username)
    alt = _register("double-student")

    learner = users["learner"]
    course_services.enrol(learner=learner, course=course)
    lesson = lessons[0]
    lesson.body = [*lesson.body.raw_data, {"type": "reflection", "value": {"prompt": "What did you hear?"}}]
    lesson.save_revision().publish()
    reflection_block = next(block.id for block in LessonPage.objects.get(pk=lesson.pk).body
                            if block.block_type == "reflection")
    course_services.reflection_save(learner=learner, lesson_id=lesson.pk, block_id=reflection_block,
                                    text="That the farmer's loan depends on this harvest.")
    course_services.lesson_mark_read(learner=learner, lesson_id=lessons[1].pk)
    school_class = _class_with(users["teacher"], "9B", [learner, users["deleted"]], modules[0])
    unverified_class = _class_with(users["unverified_teacher"], "9C", [learner], modules[0])
    other_class = _class_with(users["other_verified_teacher"], "9D", [users["other_learner"]], modules[0])
    alt_class = _class_with(users["two_account_teacher"], "9E", [alt], modules[0])
    assignment = school_class.assignments.get()
    course_services.invitation_send(actor=users["teacher"], school_class=school_class,
                                    email=users["other_learner"].email)
    invitation = school_class.invitations.get()

    graded = _graded(exercise, learner)
    failed, _ = assessment_services.attempt_submit(exercise=exercise, learner=learner,
                                                   answers={"steps": CRITICAL_PATH})
    Attempt.objects.filter(pk=failed.pk).update(status=Attempt.Status.FAILED, last_error="engine crashed")
    in_progress, _ = assessment_services.attempt_start(exercise=exercise, learner=learner)
    negotiating, _ = assessment_services.attempt_start(exercise=negotiation, learner=learner)
    alt_attempt = _graded(exercise, alt)
    # A second, passed attempt: its debrief (and the first one's) is open (scenario spec, "Debrief").
    passed_attempt = _graded(exercise, alt, steps=PASSING_PATH)
    reviews.review_override(actor=users["teacher"], attempt=Attempt.objects.get(pk=graded.pk), node="reply1",
                            met=["interest"], avoided=["blame"], reason="They name the farmers' interest.")
    override = graded.gradings.get(kind="override")
    # A reflection on the graded attempt, shared with the teachers of the learner's two classes. Written
    # straight to the table: that attempt's debrief is locked (it failed with attempts left), which the
    # journal's own tests cover; here it is the record the teachers' comment endpoint acts on.
    journal_entry = JournalEntry.objects.create(learner=learner, attempt=graded, exercise=exercise,
                                                differently="Ask before I summarise.",
                                                commitment="Name their interest first.")
    batch = assessment_services.regrade_start(version=exercise.current_version, actor=users["editor"])
    # The learner's Open Badge for the course, issued straight by the service (the award's own tests
    # cover completion): what the download, verify and revoke endpoints act on.
    credential, _ = credential_services.credential_issue(learner=learner, course=course)
    # ... and its certificate, rendered as the worker would after the issue commits
    certificate_render(credential=credential)

    # The deleted learner signed in (a token for the API, a session for the site), then deleted the account.
    deleted = users["deleted"]
    deleted_token = token_issue(user=deleted)
    signed_in = Client()
    signed_in.force_login(deleted)
    deleted_session = signed_in.cookies["sessionid"].value
    users["deleted"] = privacy.account_delete(user=deleted, password=PASSWORD)

    email_token = email_verification_token(user=learner)
    unsubscribe_token = unsubscribe_token_of(user_id=learner.pk, kind="due_reminder")
    # The learner's link with one character of its signature changed.
    tampered_token = unsubscribe_token[:-1] + ("A" if unsubscribe_token[-1] != "A" else "B")
    cms = _cms_objects(academy)
    draft_path = cms.pop("draft_path")
    # A new lesson in the academy's review, submitted by the admin: approving it publishes it, which lowers
    # the learner's percentage, so the reviewer is asked first (courses/wagtail_hooks.py).
    in_review = modules[1].add_child(instance=LessonPage(title=f"{SECRET} lesson in review",
                                                         slug=f"{SECRET}-in-review", live=False))
    in_review.save_revision(user=admin)
    review = in_review.get_workflow().start(in_review, admin)
    cms.update(lesson_in_review=in_review.pk, review_step=review.current_task_state_id)
    return World(users=users, ids={
        "course": course.pk, "lesson": lessons[0].pk, "exercise": exercise.pk, "quiz": quiz.pk,
        "negotiation": negotiation.pk, "negotiation_attempt": negotiating.pk,
        "attempt": graded.pk, "open_attempt": in_progress.pk, "failed_attempt": failed.pk,
        "alt_attempt": alt_attempt.pk, "passed_attempt": passed_attempt.pk, "override": override.pk, "batch": batch.pk,
        "journal_entry": journal_entry.pk, "credential": str(credential.public_id), "issuer_slug": academy.slug,
        "class": school_class.pk, "unverified_class": unverified_class.pk, "other_class": other_class.pk,
        "alt_class": alt_class.pk, "assignment": assignment.pk, "learner": learner.pk,
        "invitation": invitation.pk, "verification": pending.pk, "module": modules[0].pk,
        **cms,
    }, values={
        "join_code": school_class.join_code, "other_module": modules[1].pk,
        "learner_username": learner.username, "learner_email": learner.email,
        "other_learner_username": users["other_learner"].username,
        "deleted_token": deleted_token, "deleted_session": deleted_session, "email_token": email_token,
        "unsubscribe_token": unsubscribe_token, "tampered_token": tampered_token,
        "course_path": _below_home(course), "draft_path": draft_path, "academy_slug": academy.slug,
        "reflection_block": reflection_block, "credential_jwt": credential.token,
    })


def snapshot() -> dict:
    models = [m for label in RECORD_APPS for m in apps.get_app_config(label).get_models()]
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in models}


@pytest.fixture(scope="module", name="world")
def world_fixture(django_db_setup, django_db_blocker):
    """Built once for the module; each test runs in a savepoint inside this transaction (the `db`
    fixture), so its writes vanish. Uploaded files go to a folder of the module's own."""
    media = tempfile.mkdtemp(prefix="authz-media-")
    with override_settings(MEDIA_ROOT=media), django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)
    shutil.rmtree(media, ignore_errors=True)


def fresh(world: World, actor: str) -> User:
    """The actor's row as it is now in the database: nothing carried between tests."""
    return User.objects.get(pk=world.users[actor].pk)


def api_client(world: World, actor: str) -> APIClient:
    client = APIClient()
    if actor == "deleted":
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {world.values['deleted_token']}")
    elif actor != "anonymous":
        client.force_authenticate(fresh(world, actor))
    return client


def browser(world: World, actor: str) -> Client:
    """A browser signed in as the actor (a session), for the site and the admins."""
    client = Client()
    if actor == "deleted":
        client.cookies["sessionid"] = world.values["deleted_session"]
    elif actor != "anonymous":
        client.force_login(fresh(world, actor))
    return client
