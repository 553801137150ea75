"""Query budgets of the learner's, the teacher's and academy staff's site pages, in the style of
Wagtail's admin tests: each count is a number, with its queries named beside it. The course, lesson
and class progress pages have theirs in test_page_queries.py and test_teacher_page_queries.py.

Each test reads its page at two sizes (2 and 12 of what the page lists) and asserts the same number
at both, so a query per row fails, and so does a fixed cost that creeps up. The visitor is signed in
with a session, as in a browser; sessions are cached (cached_db), so "the signed-in user" is query 1
of every page. A first request warms what outlives a request (the page-tree cache, the per-process
normalised documents); the measured request is the second.
"""
import io

import pytest
from rest_framework.test import APIClient

from accounts.models import Role
from assessments.models import Attempt, Grading
from assessments.services import attempt_submit
from courses.models import ClassInvitation, ClassMembership, Extension, SchoolClass, TeacherVerification
from courses.services import assignment_create, class_create, enrol, verification_request

from ..conftest import signed_in
from ..factories import (
    PASSING_PATH,
    QUIZ,
    course_lessons,
    course_modules,
    import_exercise,
    later,
    make_course,
    make_staff,
    make_user,
    verify_teacher,
)

SMALL, LARGE = 2, 12


def mark_read(learner, lessons) -> None:
    """Read marks, made the way a learner makes them: through the API."""
    client = APIClient()
    client.force_authenticate(learner)
    for lesson in lessons:
        assert client.post(f"/api/v1/lessons/{lesson.pk}/complete/").status_code in (200, 201)


def graded(learner, exercise, capture, answers=None) -> Attempt:
    with capture(execute=True):
        attempt, _ = attempt_submit(exercise=exercise, learner=learner, answers=answers or {"steps": PASSING_PATH})
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.GRADED
    return attempt


def enrolled_in(academy, learner, count) -> None:
    """The learner enrolled in `count` courses, with the first lesson of each read, and in as many classes,
    each assigned the course's module (with an extension for every other one): what is due."""
    while learner.enrolments.count() < count:
        course = make_course(academy, modules=1, lessons=2)
        enrol(learner=learner, course=course)
        mark_read(learner, course_lessons(course)[:1])
        teacher = make_user(Role.TEACHER)
        school_class = class_create(teacher=teacher, name="Plenary")
        ClassMembership.objects.create(school_class=school_class, student=learner)
        assignment, _ = assignment_create(actor=teacher, school_class=school_class,
                                          module_id=course_modules(course)[0].pk, due_at=later())
        if learner.enrolments.count() % 2:
            Extension.objects.create(assignment=assignment, student=learner, due_at=later(9))


# --- learners --------------------------------------------------------------------------------------


def test_a_learner_s_home_page_is_a_fixed_number_of_queries_for_2_or_12_courses(academy, budget):
    learner = make_user()
    client = signed_in(learner)
    for size in (SMALL, LARGE):
        enrolled_in(academy, learner, size)
        budget(client, "/", LEARNER_HOME)


# 1 the signed-in user; the learner's overview (every enrolled course's progress, of which the page shows
# three): 2 the enrolments with their courses, 3 the read marks and passed attempts in all of them, one
# UNION ALL (courses.progress.courses_progress; each course's structure is cached). Computing each
# course's progress on its own cost a query per course: 14 for 12 courses. Then what is due
# (learner_due): 4 the class memberships with their classes and teachers, 5 the assignments with
# their modules and courses, 6 the learner's extensions, and the modules' percents: 7 the unpublished
# pages with children (live()), 8 the live lessons of the assigned modules, 9 the read marks, lesson
# exercises and passed attempts in one UNION ALL (completed_pairs).
LEARNER_HOME = 9


def test_the_catalogue_is_a_fixed_number_of_queries_for_2_or_12_courses(academy, budget, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    client = signed_in(make_user())
    for size in (SMALL, LARGE):
        while live_courses() < size:
            course = make_course(academy, modules=1, lessons=1)
            course.cover_image = make_image(academy, f"cover-{course.pk}")
            course.save_revision().publish()
        page = budget(client, "/courses/", CATALOGUE)
        assert page.count('class="card course-card"') == size


# published_courses(), built once for the cards and the filters: 1 the unpublished pages with children
# (live()), 2 the view restrictions (public()); 3 the courses with their cover images (the covers'
# renditions come from Wagtail's rendition cache), 4 the academy pages (to name each course's academy),
# 5 the levels and competencies in use (the filters' facets; building published_courses() again for
# them cost 1 and 2 twice, 8 in all); 6 the signed-in user, first needed by the page's header.
CATALOGUE = 6


def live_courses() -> int:
    from cms.models import CoursePage

    return CoursePage.objects.live().count()


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


def test_my_progress_page_is_a_fixed_number_of_queries_for_2_or_12_courses_and_attempts(
        academy, budget, django_capture_on_commit_callbacks):
    learner = make_user()
    exercise = import_exercise(academy, visibility="practice")
    client = signed_in(learner)
    for size in (SMALL, LARGE):
        enrolled_in(academy, learner, size)
        while Attempt.objects.filter(learner=learner).count() < size:
            graded(learner, exercise, django_capture_on_commit_callbacks)
        budget(client, "/me/progress/", MY_PROGRESS)


# 1 to 9 as the home page (the overview of every course, 2 and 3, was a query per course before: 15 for
# 12 courses; what is due, 4 to 9); 10 the latest attempts with their exercises.
MY_PROGRESS = 10


def test_my_competencies_page_is_three_queries_for_2_or_12_graded_scenarios(academy, budget,
                                                                           django_capture_on_commit_callbacks):
    learner = make_user()
    client = signed_in(learner)
    for size in (SMALL, LARGE):
        while Attempt.objects.filter(learner=learner).count() < size:
            n = Attempt.objects.count()
            graded(learner, import_exercise(academy, slug=f"scenario-{n}"), django_capture_on_commit_callbacks)
        # 1 the signed-in user, 2 the latest graded attempt per exercise, 3 those attempts' results with
        # their versions' documents (assessments.selectors.competency_profile).
        budget(client, "/me/competencies/", 3)


def test_my_classes_page_is_a_fixed_number_of_queries_for_2_or_12_classes_and_invitations(academy, staff, budget):
    course = make_course(academy, modules=1, lessons=1)
    learner = make_user()
    client = signed_in(learner)
    for size in (SMALL, LARGE):
        while learner.class_memberships.count() < size:
            teacher = make_user(Role.TEACHER)
            if learner.class_memberships.count() % 2:
                verify_teacher(teacher, by=staff)
            school_class = class_create(teacher=teacher, name="Plenary")
            assignment_create(actor=teacher, school_class=school_class, module_id=course_modules(course)[0].pk,
                              due_at=later())
            ClassMembership.objects.create(school_class=school_class, student=learner)
            ClassInvitation.objects.create(school_class=class_create(teacher=teacher, name="Summit"),
                                           email=learner.email, invited_by=teacher)
        page = budget(client, "/me/classes/", MY_CLASSES)
        assert page.count("Plenary") >= size and page.count("Summit") >= size


# 1 the signed-in user; the classes: 2 the memberships with their classes and teachers, 3 the classes'
# assignments with their modules, 4 which of the teachers are verified; 5 the open invitations to the
# learner's address with their classes and teachers.
MY_CLASSES = 5


def test_the_scenario_page_is_a_fixed_number_of_queries_for_2_or_12_past_attempts(academy, budget,
                                                                                  django_capture_on_commit_callbacks):
    exercise = import_exercise(academy, visibility="practice")
    learner = make_user()
    client = signed_in(learner)
    for size in (SMALL, LARGE):
        while Attempt.objects.filter(learner=learner).count() < size:
            graded(learner, exercise, django_capture_on_commit_callbacks)
        budget(client, f"/exercises/{exercise.pk}/", SCENARIO_PAGE)


# 1 the signed-in user, 2 the exercise with its current version (a practice exercise: may_attempt
# needs nothing more); the learner's view of it: 3 the attempts used, 4 the refused paths counted;
# 5 the latest five attempts, 6 a live lesson that embeds it (to link back), 7 an attempt in progress
# to resume.
SCENARIO_PAGE = 7


def test_a_scenario_result_is_a_fixed_number_of_queries_for_2_or_12_reviews(academy, staff, budget,
                                                                            django_capture_on_commit_callbacks):
    learner = make_user()
    attempt = graded(learner, import_exercise(academy, visibility="practice"), django_capture_on_commit_callbacks)
    client = signed_in(learner)
    for size in (SMALL, LARGE):
        while attempt.gradings.filter(kind=Grading.Kind.OVERRIDE).count() < size:
            Grading.objects.create(attempt=attempt, kind=Grading.Kind.OVERRIDE, result=attempt.result,
                                   engine_version="test", actor=staff, reason="A fair reading.")
        page = budget(client, f"/attempts/{attempt.pk}/", SCENARIO_RESULT_PAGE)
        assert page.count("A fair reading.") == size


# 1 the signed-in user, 2 the attempt with its version, exercise and learner (its own learner reads it:
# no further check), 3 a live lesson that embeds the exercise (to link back), 4 the overrides and
# reversals with their actors; the staff-details check needs nothing more for the learner.
RESULT_PAGE = 4
# A scenario's result adds, for its own learner once the debrief is open (here: passed), the journal
# form (frontend/journal.py): 5 the learner's entry on the attempt (none yet, so no comments are read),
# 6 the modules whose live lessons embed the exercise, whose classes would read it (none here, so the
# classes are not read). The replay actions read nothing more: the path is in the attempt.
SCENARIO_RESULT_PAGE = RESULT_PAGE + 2


def test_a_quiz_result_is_a_fixed_number_of_queries_for_2_or_12_reviews(academy, staff, budget,
                                                                        django_capture_on_commit_callbacks):
    learner = make_user()
    quiz = import_exercise(academy, QUIZ, visibility="practice")
    attempt = graded(learner, quiz, django_capture_on_commit_callbacks, answers={"answers": {"q1": ["b"]}})
    client = signed_in(learner)
    for size in (SMALL, LARGE):
        while attempt.gradings.filter(kind=Grading.Kind.OVERRIDE).count() < size:
            Grading.objects.create(attempt=attempt, kind=Grading.Kind.OVERRIDE, result=attempt.result,
                                   engine_version="test", actor=staff, reason="Read again.")
        # As the scenario result: 1 the user, 2 the attempt, 3 the lesson to link back, 4 the reviews.
        budget(client, f"/attempts/{attempt.pk}/", RESULT_PAGE)


def test_the_account_page_is_a_fixed_number_of_queries_for_2_or_12_courses(academy, budget):
    learner = make_user()
    client = signed_in(learner)
    for size in (SMALL, LARGE):
        enrolled_in(academy, learner, size)
        # 1 the signed-in user, 2 the notification preferences (the form on the page).
        budget(client, "/account/", 2)


# --- teachers --------------------------------------------------------------------------------------


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
    """Members of the class up to `count`, each with a read mark, an extension on the first assignment and
    an invitation of the class waiting, and (with `capture`) a graded attempt at the scenario."""
    school_class = school["class"]
    first = school_class.assignments.order_by("id").first()
    lessons = course_lessons(school["course"])
    while school_class.memberships.count() < count:
        learner = make_user()
        ClassMembership.objects.create(school_class=school_class, student=learner)
        enrol(learner=learner, course=school["course"])
        mark_read(learner, lessons[:1])
        Extension.objects.create(assignment=first, student=learner, due_at=later(9))
        ClassInvitation.objects.create(school_class=school_class, email=f"guest-of-{learner.pk}@example.org",
                                       invited_by=school["teacher"])
        if capture is not None:
            graded(learner, school["exercise"], capture)


def test_the_teacher_s_home_is_a_fixed_number_of_queries_for_2_or_12_classes(school, budget):
    teacher = school["teacher"]
    client = signed_in(teacher)
    for size in (SMALL, LARGE):
        while SchoolClass.objects.filter(teacher=teacher).count() < size:
            ClassMembership.objects.create(school_class=class_create(teacher=teacher, name="More"),
                                           student=make_user())
        # 1 the signed-in user, 2 the classes with their member and assignment counts (one annotated query).
        budget(client, "/teach/", 2)


def test_a_class_overview_is_a_fixed_number_of_queries_for_2_or_12_students(school, budget):
    client = signed_in(school["teacher"])
    for size in (SMALL, LARGE):
        add_students(school, size)
        page = budget(client, f"/teach/classes/{school['class'].pk}/", CLASS_OVERVIEW)
        assert page.count("guest-of-") == 2 * size  # each pending address, and again in its Withdraw button


# 1 the signed-in user, 2 the class (its teacher's access check), 3 the roster (memberships with their
# students); the assign form's modules: 4 the unpublished pages with children, 5 the view restrictions,
# 6 the courses of the default language, 7 the unpublished pages with children again, 8 the live modules;
# 9 the assignments with their modules and courses, 10 their extensions, 11 the extensions' students
# (two prefetches); 12 the class's pending invitations.
CLASS_OVERVIEW = 12


def test_a_class_s_replies_page_is_a_fixed_number_of_queries_for_2_or_12_graded_attempts(
        school, budget, django_capture_on_commit_callbacks):
    client = signed_in(school["teacher"])
    for size in (SMALL, LARGE):
        add_students(school, size, capture=django_capture_on_commit_callbacks)
        budget(client, f"/teach/classes/{school['class'].pk}/replies/", REPLIES)


# 1 the signed-in user, 2 the class (its teacher's access check), 3 the paths of the modules assigned to
# the class (courses.access.class_attempts bounds the attempts by them), 4 the latest graded scenario
# attempts with their learners, exercises and versions, 5 which of their replies are filed as reviewed
# (courses.reviews.replies_by_review). Each version's document is normalised once per process, so labels
# and prompts cost no query.
REPLIES = 5


def test_the_teacher_s_verification_page_is_a_fixed_number_of_queries_for_2_or_12_past_requests(school, budget):
    teacher = make_user(Role.TEACHER)
    client = signed_in(teacher)
    for size in (SMALL, LARGE):
        while TeacherVerification.objects.filter(teacher=teacher).count() < size:
            row = verification_request(teacher=teacher, school="École de la paix")
            TeacherVerification.objects.filter(pk=row.pk).update(state=TeacherVerification.State.REJECTED)
        # 1 the signed-in user; the verification state (courses.access.verification_state): 2 is there a
        # standing verification, 3 the latest request's state.
        budget(client, "/teach/verification/", 3)


# --- academy staff -----------------------------------------------------------------------------------


def test_the_academy_home_is_a_fixed_number_of_queries_for_2_or_12_exercises(academy, budget):
    staff = make_staff(academy)
    client = signed_in(staff)
    for size in (SMALL, LARGE):
        while academy.exercises.count() < size:
            n = academy.exercises.count()
            import_exercise(academy, QUIZ if n % 2 else None, slug=f"exercise-{n}")
        # 1 the signed-in user, 2 the academy memberships (staff of which academies), 3 the exercises with
        # their academies, current versions and attempt counts. Documents are normalised once per process.
        budget(client, "/academy/", 3)


def test_the_verification_requests_page_is_a_fixed_number_of_queries_for_2_or_12(academy, budget):
    staff = make_staff(academy)
    client = signed_in(staff)
    for size in (SMALL, LARGE):
        while TeacherVerification.objects.filter(state=TeacherVerification.State.PENDING).count() < size:
            verification_request(teacher=make_user(Role.TEACHER), school="École de la paix")
        page = budget(client, "/academy/verifications/", VERIFICATIONS)
        assert page.count("École de la paix") == size


# 1 the signed-in user, 2 the academy memberships (may the visitor decide verifications?), 3 the pending
# requests with their teachers.
VERIFICATIONS = 3
