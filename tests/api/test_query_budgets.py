"""Query budgets of every API v1 list (every GET that answers a list or a page of one), in the style
of Wagtail's admin tests: each count is a number, with its queries named beside it.

Each test reads its endpoint at two sizes (2 and 12 rows of what the list lists, unless it says
otherwise) and asserts the same number at both, so a count that grows with the data (a query per
row) fails, and so does a fixed cost that creeps up. The client signs in with a bearer token, as
schools' systems and apps do: the token and its user are one query, counted as query 1.

A first request warms what is cached across requests (the page-tree cache of cms/selectors.py, the
per-process normalised documents of assessments/documents.py); the measured request is the second.
"""
import io

import pytest
from rest_framework.test import APIClient

from accounts import audit
from accounts.models import Role
from accounts.services import token_issue
from assessments.models import Attempt, Grading
from assessments.services import attempt_submit
from courses.models import ClassInvitation, ClassMembership, Extension, SchoolClass
from courses.services import assignment_create, class_create, enrol, verification_request
from notices.services import preferences_update

from ..factories import (
    PASSING_PATH,
    course_lessons,
    course_modules,
    import_exercise,
    later,
    make_academy,
    make_course,
    make_staff,
    make_user,
    verify_teacher,
)

SMALL, LARGE = 2, 12


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def make_image(academy, title):
    """An image in the academy's collection, as an editor uploads one."""
    from django.core.files.images import ImageFile
    from PIL import Image as PILImage
    from wagtail.images import get_image_model
    from wagtail.models import Collection

    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), (200, 80, 40)).save(buffer, format="PNG")
    image = get_image_model()(title=title, collection=Collection.objects.get(name=academy.name))
    image.file = ImageFile(buffer, name=f"{title}.png")
    image.save()
    return image


def with_token(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=user)}")
    return client


@pytest.fixture
def budget(db, django_assert_num_queries):
    """budget(client, url, n) -> the body of the second GET of `url`, which must take exactly n queries."""

    def measure(client, url, expected: int):
        assert client.get(url).status_code == 200  # warms the caches that outlive a request
        with django_assert_num_queries(expected):
            response = client.get(url)
        assert response.status_code == 200, response.content
        return response.json() if response["Content-Type"].startswith("application/json") else response.content

    return measure


def mark_read(learner, lessons) -> None:
    """Read marks, made the way a learner makes them: through the API."""
    client = APIClient()
    client.force_authenticate(learner)
    for lesson in lessons:
        assert client.post(f"/api/v1/lessons/{lesson.pk}/complete/").status_code in (200, 201)


def graded(learner, exercise, capture, path=PASSING_PATH) -> Attempt:
    with capture(execute=True):
        attempt, _ = attempt_submit(exercise=exercise, learner=learner, answers={"steps": path})
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.GRADED
    return attempt


# --- catalogue and progress ------------------------------------------------------------------------


def live_courses() -> int:
    from cms.models import CoursePage

    return CoursePage.objects.live().count()


def add_course(academy, *, cover=True, **kwargs):
    """A published course, with a cover image as most catalogue courses have (the list prefetches them)."""
    course = make_course(academy, modules=1, lessons=1, **kwargs)
    if cover:
        course.cover_image = make_image(academy, f"cover-{course.pk}")
        course.save_revision().publish()
    return course


def test_the_course_list_is_eight_queries_for_2_or_12_courses(academy, budget, media_root):
    client = APIClient()
    for size in (SMALL, LARGE):
        while live_courses() < size:
            add_course(academy)
        body = budget(client, "/api/v1/courses/", COURSE_LIST)
        assert body["count"] == size
        assert all(course["cover"]["renditions"] for course in body["results"])


# Public, no token. published_courses() is live() and public(), and each costs one query when the
# queryset is built: 1 the unpublished pages that have children (ContentPageQuerySet.live_q), 2 the
# view restrictions (Wagtail's public()); 3 the count of the page, 4 the page of courses, 5 their cover
# images, 6 the covers' renditions (two prefetches), 7 the academy pages (academies_by_path, to name
# each course's academy), 8 the translations of the page's courses (course_translations, from the same
# published queryset: building a second one cost 1 and 2 again, 10 in all).
COURSE_LIST = 8


def test_a_course_with_2_or_12_lessons_is_seven_queries(academy, budget, media_root):
    client = APIClient()
    for lessons in (SMALL, LARGE):
        course = make_course(academy, modules=2, lessons=lessons // 2)
        course.cover_image = make_image(academy, f"cover-{course.pk}")
        course.save_revision().publish()
        body = budget(client, f"/api/v1/courses/{course.pk}/", COURSE_DETAIL)
        assert sum(len(m["lessons"]) for m in body["modules"]) == lessons


# 1 unpublished pages with children, 2 view restrictions (published_courses), 3 the course, 4 its cover
# image, 5 the cover's renditions, 6 the academy pages, 7 its translations (from the same published
# queryset: building a second one cost 1 and 2 again, 9 in all). Modules, lessons and their exercises
# are the course's structure, from the page-tree cache.
COURSE_DETAIL = 7


def test_the_progress_in_a_course_is_two_queries_for_2_or_12_lessons(academy, budget):
    for lessons in (SMALL, LARGE):
        course = make_course(academy, modules=2, lessons=lessons // 2)
        learner = make_user()
        enrol(learner=learner, course=course)
        mark_read(learner, course_lessons(course)[:1])
        # 1 the token and its user, 2 one UNION ALL of the read marks, passed attempts and the enrolment
        # (courses.progress.learner_marks). The course and its structure are cached.
        body = budget(with_token(learner), f"/api/v1/courses/{course.pk}/progress/", 2)
        assert sum(len(m["lessons"]) for m in body["modules"]) == lessons


def test_my_progress_is_five_queries_for_2_or_12_courses(academy, budget):
    learner = make_user()
    client = with_token(learner)
    for size in (SMALL, LARGE):
        while learner.enrolments.count() < size:
            course = make_course(academy, modules=1, lessons=2)
            enrol(learner=learner, course=course)
            mark_read(learner, course_lessons(course)[:1])
        client.get("/api/v1/me/progress/")  # the new courses' structures into their cache, as after a publish
        body = budget(client, "/api/v1/me/progress/", MY_PROGRESS)
        assert body["count"] == size
        assert {row["percent"] for row in body["results"]} == {50.0}


# 1 the token and its user, 2 the enrolments with their courses, 3 the read marks and passed attempts in
# all those courses in one query (courses.progress.courses_progress, as the site's My progress page reads
# them); the courses' structures come from their cache. Paginated in Python: the rows are in hand.
MY_PROGRESS = 3


def test_my_competencies_are_three_queries_for_2_or_12_graded_scenarios(academy, budget,
                                                                        django_capture_on_commit_callbacks):
    learner = make_user()
    client = with_token(learner)
    for size in (SMALL, LARGE):
        while Attempt.objects.filter(learner=learner).count() < size:
            n = Attempt.objects.count()
            graded(learner, import_exercise(academy, slug=f"scenario-{n}"), django_capture_on_commit_callbacks)
        # 1 the token and its user, 2 the latest graded attempt per exercise, 3 those attempts' results
        # with their versions' documents (assessments.selectors.competency_profile).
        body = budget(client, "/api/v1/me/competencies/", 3)
        assert {row["exercises"] for row in body["results"]} == {size}


def test_search_is_no_query_for_2_or_12_matching_courses(academy, budget):
    client = APIClient()
    for size in (SMALL, LARGE):
        while live_courses() < size:
            add_course(academy, cover=False, title=f"Mediation {live_courses()}")
        body = budget(client, "/api/v1/search/?q=Mediation", SEARCH)
        assert len([r for r in body["results"] if r["type"] == "course"]) == size


# Public, and read from the published tree's search index in the shared cache (cms/search.py), which the
# first GET after a change built (its queries do not grow with the pages either: courses, lessons).
SEARCH = 0


# --- exercises and attempts ------------------------------------------------------------------------


def test_my_attempts_at_an_exercise_are_four_queries_for_2_or_12_attempts(academy, budget,
                                                                         django_capture_on_commit_callbacks):
    exercise = import_exercise(academy, visibility="practice")
    learner = make_user()
    client = with_token(learner)
    for size in (SMALL, LARGE):
        while Attempt.objects.filter(learner=learner).count() < size:
            graded(learner, exercise, django_capture_on_commit_callbacks)
        # 1 the token and its user, 2 the exercise with its current version (may_attempt needs nothing more
        # for a practice exercise), 3 the count of the page, 4 the page of attempts with their versions
        # and exercise. Each version's document is normalised once per process (cached).
        body = budget(client, f"/api/v1/exercises/{exercise.pk}/attempts/", EXERCISE_ATTEMPTS)
        assert body["count"] == size


EXERCISE_ATTEMPTS = 4


def test_an_attempt_s_history_is_three_queries_for_2_or_12_gradings(academy, budget,
                                                                    django_capture_on_commit_callbacks):
    learner = make_user()
    attempt = graded(learner, import_exercise(academy, visibility="practice"), django_capture_on_commit_callbacks)
    staff = make_staff(academy)
    client = with_token(learner)
    for size in (SMALL, LARGE):
        while attempt.gradings.count() < size:
            Grading.objects.create(attempt=attempt, kind=Grading.Kind.OVERRIDE, result=attempt.result,
                                   engine_version="test", actor=staff, reason="A fair reading.")
        # 1 the token and its user, 2 the attempt with its version and exercise (its own learner reads it:
        # no further check), 3 the gradings with their actors.
        body = budget(client, f"/api/v1/attempts/{attempt.pk}/history/", HISTORY)
        assert len(body["results"]) == size


HISTORY = 3


# --- classes, as their teacher sees them -------------------------------------------------------------


@pytest.fixture
def school(academy, staff):
    """A verified teacher's class, assigned both modules of a course whose first lesson embeds a scenario."""
    exercise = import_exercise(academy)
    course = make_course(academy, modules=2, lessons=2, exercises_in={(0, 0): [exercise.pk]})
    teacher = make_user(Role.TEACHER)
    verify_teacher(teacher, by=staff)
    school_class = class_create(teacher=teacher, name="Delegates")
    for module in course_modules(course):
        assignment_create(actor=teacher, school_class=school_class, module_id=module.pk, due_at=later())
    return {"teacher": teacher, "class": school_class, "course": course, "exercise": exercise}


def add_students(school, count, *, capture=None) -> None:
    """Members of the class up to `count`, each with a read mark and an extension on the first
    assignment, and (with `capture`) a graded attempt at the scenario."""
    school_class = school["class"]
    first = school_class.assignments.order_by("id").first()
    lessons = course_lessons(school["course"])
    while school_class.memberships.count() < count:
        learner = make_user()
        ClassMembership.objects.create(school_class=school_class, student=learner)
        enrol(learner=learner, course=school["course"])
        mark_read(learner, lessons[:1])
        Extension.objects.create(assignment=first, student=learner, due_at=later(9))
        if capture is not None:
            graded(learner, school["exercise"], capture)


def test_the_teacher_s_classes_are_three_queries_for_2_or_12_classes(school, budget):
    teacher = school["teacher"]
    client = with_token(teacher)
    for size in (SMALL, LARGE):
        while SchoolClass.objects.filter(teacher=teacher).count() < size:
            ClassMembership.objects.create(school_class=class_create(teacher=teacher, name="More"),
                                           student=make_user())
        # 1 the token and its user, 2 the count of the page, 3 the page of classes with their member
        # counts (one annotated query).
        body = budget(client, "/api/v1/classes/", 3)
        assert body["count"] == size


def test_a_class_s_roster_is_four_queries_for_2_or_12_students(school, budget):
    client = with_token(school["teacher"])
    for size in (SMALL, LARGE):
        add_students(school, size)
        # 1 the token and its user, 2 the class (its teacher's access check), 3 the count of the page,
        # 4 the page of memberships with their students.
        body = budget(client, f"/api/v1/classes/{school['class'].pk}/students/", 4)
        assert body["count"] == size


# 1 the token and its user, 2 the class (its teacher's access check); then the class matrix
# (courses.progress.class_progress), six: 3 the assignments with their modules, 4 the members with their
# names and last activity, 5 the unpublished pages with children (live()), 6 the live lessons of the
# assigned modules, 7 the members' read marks and passed attempts in one UNION ALL, 8 the extensions.
CLASS_MATRIX = 8


@pytest.mark.parametrize(("suffix", "rows"), [
    ("progress/", lambda body: len(body["students"])),
    ("progress.csv", lambda body: len(body.decode().splitlines()[1:]) // 2),  # a row per student and module
    ("at-risk/?days=30", lambda body: len(body["results"])),  # the at-risk list is read from the matrix
])
def test_the_class_matrix_reads_are_eight_queries_for_2_or_12_students(school, budget, suffix, rows):
    from accounts.models import User

    client = with_token(school["teacher"])
    for size in (SMALL, LARGE):
        add_students(school, size)
        # Never seen active: every student is at risk, so the at-risk list has a row each too.
        User.objects.filter(class_memberships__school_class=school["class"]).update(last_activity_at=None)
        body = budget(client, f"/api/v1/classes/{school['class'].pk}/{suffix}", CLASS_MATRIX)
        assert rows(body) == size


def test_a_class_s_assignments_are_three_queries_for_2_or_12_modules(academy, budget):
    teacher = make_user(Role.TEACHER)
    school_class = class_create(teacher=teacher, name="Envoys")
    client = with_token(teacher)
    for size in (SMALL, LARGE):
        course = make_course(academy, modules=size - school_class.assignments.count(), lessons=1)
        for module in course_modules(course):
            assignment_create(actor=teacher, school_class=school_class, module_id=module.pk, due_at=later())
        # 1 the token and its user, 2 the class (its teacher's access check), 3 its assignments.
        body = budget(client, f"/api/v1/classes/{school_class.pk}/assignments/", 3)
        assert len(body["results"]) == size


def test_a_class_s_replies_are_five_queries_for_2_or_12_graded_attempts(school, budget,
                                                                        django_capture_on_commit_callbacks):
    client = with_token(school["teacher"])
    for size in (SMALL, LARGE):
        add_students(school, size, capture=django_capture_on_commit_callbacks)
        body = budget(client, f"/api/v1/classes/{school['class'].pk}/replies/", REPLIES)
        assert body["count"] == size


# 1 the token and its user, 2 the class (its teacher's access check), 3 the paths of the modules assigned
# to the class (courses.access.class_attempts bounds the attempts by them), 4 the count of the page,
# 5 the page of graded scenario attempts with their learners, exercises and versions. Each version's
# document is normalised once per process.
REPLIES = 5


def test_a_class_s_pending_invitations_are_three_queries_for_2_or_12(school, budget):
    school_class = school["class"]
    client = with_token(school["teacher"])
    for size in (SMALL, LARGE):
        while school_class.invitations.count() < size:
            n = school_class.invitations.count()
            ClassInvitation.objects.create(school_class=school_class, email=f"guest{n}@example.org",
                                           invited_by=school["teacher"])
        # 1 the token and its user, 2 the class (its teacher's access check), 3 its unanswered invitations.
        body = budget(client, f"/api/v1/classes/{school_class.pk}/invitations/", 3)
        assert len(body["results"]) == size


# --- a learner's classes and invitations -------------------------------------------------------------


def test_my_classes_are_four_queries_for_2_or_12_classes(academy, staff, budget):
    course = make_course(academy, modules=1, lessons=1)
    learner = make_user()
    client = with_token(learner)
    for size in (SMALL, LARGE):
        while learner.class_memberships.count() < size:
            teacher = make_user(Role.TEACHER)
            if learner.class_memberships.count() % 2:
                verify_teacher(teacher, by=staff)
            school_class = class_create(teacher=teacher, name="Plenary")
            assignment_create(actor=teacher, school_class=school_class, module_id=course_modules(course)[0].pk,
                              due_at=later())
            ClassMembership.objects.create(school_class=school_class, student=learner)
        # 1 the token and its user, 2 the memberships with their classes and teachers, 3 the classes'
        # assignments with their modules, 4 which of the teachers are verified.
        body = budget(client, "/api/v1/me/classes/", 4)
        assert len(body["results"]) == size


def test_my_invitations_are_two_queries_for_2_or_12(budget):
    learner = make_user()
    client = with_token(learner)
    for size in (SMALL, LARGE):
        while ClassInvitation.objects.filter(email=learner.email).count() < size:
            teacher = make_user(Role.TEACHER)
            ClassInvitation.objects.create(school_class=class_create(teacher=teacher, name="Summit"),
                                           email=learner.email, invited_by=teacher)
        # 1 the token and its user, 2 the open invitations to the address with their classes and teachers.
        body = budget(client, "/api/v1/me/invitations/", 2)
        assert len(body["results"]) == size


# --- academy staff -----------------------------------------------------------------------------------


def test_pending_verifications_are_four_queries_for_2_or_12(staff, budget):
    client = with_token(staff)
    for size in (SMALL, LARGE):
        while verification_pending() < size:
            verification_request(teacher=make_user(Role.TEACHER), school="École de la paix")
        # 1 the token and its user, 2 the academies the caller is staff of (may decide verifications),
        # 3 the count of the page, 4 the page of pending requests with their teachers.
        body = budget(client, "/api/v1/teacher-verifications/", 4)
        assert body["count"] == size


def verification_pending() -> int:
    from courses.models import TeacherVerification

    return TeacherVerification.objects.filter(state=TeacherVerification.State.PENDING).count()


def test_the_audit_log_is_four_queries_for_2_or_12_events(budget):
    academy = make_academy()
    staff = make_staff(academy)
    client = with_token(staff)
    for size in (SMALL, LARGE):
        while audit_events(academy) < size:
            audit.record(action=audit.Action.PAGE_PUBLISHED, target=("wagtailcore.page", "7"), actor=make_user(),
                         academy=academy, data={}, ip=None)
        # 1 the token and its user, 2 the academies the caller is staff of, 3 the count of the page,
        # 4 the page of events with their actors.
        body = budget(client, "/api/v1/audit/", 4)
        assert body["count"] == audit_events(academy)


def audit_events(academy) -> int:
    from accounts.models import AuditEvent

    return AuditEvent.objects.filter(academy=academy).count()


# --- the account -------------------------------------------------------------------------------------


def test_my_notification_preferences_are_two_queries_changed_or_not(budget):
    learner = make_user()
    client = with_token(learner)
    # 1 the token and its user, 2 the preferences row (none until a first change: then the defaults).
    budget(client, "/api/v1/me/notification-preferences/", 2)
    preferences_update(user=learner, changes={"due_reminder": False, "language": "fr"})
    assert budget(client, "/api/v1/me/notification-preferences/", 2)["due_reminder"] is False


def test_me_is_two_queries_for_staff_of_2_or_12_academies(budget):
    from accounts.models import AcademyMembership
    from accounts.services import academy_add_staff

    user = make_user(Role.ACADEMY_STAFF)
    client = with_token(user)
    for size in (SMALL, LARGE):
        while AcademyMembership.objects.filter(user=user).count() < size:
            academy_add_staff(academy=make_academy(), user=user)
        # 1 the token and its user, 2 the academy memberships with their academies.
        body = budget(client, "/api/v1/me/", 2)
        assert len(body["academies"]) == size
