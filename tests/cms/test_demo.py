"""The demo curriculum loads through `manage.py load_demo`, twice without changing anything,
and the demo staff see their academy, and only it, in the CMS admin."""
import pytest
from django.core.management import call_command
from wagtail.images import get_image_model
from wagtail.models import Page, Revision

from accounts.models import User
from assessments.models import Exercise, ExerciseVersion
from cms.models import AcademyPage, CoursePage, LessonPage, ModulePage

from ..conftest import signed_in
from ..factories import make_academy, make_course


@pytest.fixture
def demo(db, settings, tmp_path, monkeypatch):
    settings.DEMO_MODE = True
    # The command keeps the demo passwords in VAR_DIR; keep the test's away from the checkout's.
    monkeypatch.setattr("courses.management.commands.load_demo.VAR_DIR", tmp_path)
    call_command("load_demo")
    return tmp_path


def counts():
    return (Page.objects.count(), Revision.objects.count(), get_image_model().objects.count(),
            ExerciseVersion.objects.count())


def test_load_demo_is_idempotent_and_complete(demo, api):
    before = counts()
    call_command("load_demo")
    assert counts() == before

    english = CoursePage.objects.live().filter(locale__language_code="en")
    assert english.count() >= 4
    for course in english:
        modules = ModulePage.objects.live().child_of(course)
        assert modules.count() >= 2
        assert all(LessonPage.objects.live().child_of(m).count() >= 3 for m in modules)
        assert course.cover_image is not None
    french = CoursePage.objects.live().filter(locale__language_code="fr")
    assert french.count() >= 1
    served = {c["language"] for c in api.get("/api/v1/courses/?lang=fr").json()["results"]}
    assert served == {"fr", "en"}


def test_demo_staff_see_only_their_academy_in_the_admin(demo):
    other = make_academy("Another Academy")
    other_course = make_course(other, modules=1, lessons=1, title="Someone else's course")
    demo_academy = AcademyPage.objects.get(slug="demo-academy", locale__language_code="en")
    for username in ("demo-editor", "demo-reviewer"):
        client = signed_in(User.objects.get(username=username))
        assert client.get("/cms/").status_code == 200
        assert client.get(f"/cms/pages/{demo_academy.pk}/").status_code == 200
        demo_course = CoursePage.objects.descendant_of(demo_academy).first()
        assert client.get(f"/cms/pages/{demo_course.pk}/edit/").status_code == 200
        assert client.get(f"/cms/pages/{other_course.pk}/edit/").status_code == 404
        assert client.get(f"/cms/pages/{AcademyPage.of(other).pk}/").status_code == 404
        home = demo_academy.get_parent()
        listing = client.get(f"/cms/pages/{home.pk}/").content.decode()
        assert "Parley Demo Academy" in listing and "Another Academy" not in listing
    for username in ("demo-student", "demo-teacher"):
        assert signed_in(User.objects.get(username=username)).get("/cms/").status_code == 302


def test_the_demo_teacher_is_verified_once(demo):
    from courses.access import teacher_is_verified
    from courses.models import TeacherVerification

    call_command("load_demo")
    teacher = User.objects.get(username="demo-teacher")
    assert teacher_is_verified(teacher)
    assert TeacherVerification.objects.filter(teacher=teacher).count() == 1


def test_the_demo_has_a_course_written_in_spanish_and_one_in_arabic(demo, api):
    for code, title in (("es", "Mediar entre vecinos"), ("ar", "تحقّق قبل أن تنشر")):
        course = CoursePage.objects.live().get(locale__language_code=code, language=code)
        assert course.title.startswith(title)
        lessons = LessonPage.objects.live().descendant_of(course)
        assert lessons.count() == 3
        embedded = [Exercise.objects.get(pk=block.value["exercise"].pk) for lesson in lessons
                    for block in lesson.body if block.block_type == "exercise"]
        assert [e.current_version.document["language"] for e in embedded] == [code]
        listed = api.get(f"/api/v1/courses/?language={code}").json()["results"]
        assert [c["title"] for c in listed] == [course.title]


def test_the_french_course_embeds_a_french_scenario_and_quiz(demo):
    french = CoursePage.objects.live().get(locale__language_code="fr", slug="active-listening")
    embedded = [Exercise.objects.get(pk=block.value["exercise"].pk)
                for lesson in LessonPage.objects.live().descendant_of(french)
                for block in lesson.body if block.block_type == "exercise"]
    assert sorted((e.kind, e.current_version.document["language"]) for e in embedded) == [
        ("quiz", "fr"), ("scenario", "fr")]


def test_the_demo_has_graded_attempts_enough_for_statistics(demo):
    """Seeded through the services (submit, then grade): every exercise's main node is reached by at
    least ten counted graded attempts, so its discrimination is a number; a second load adds none."""
    from assessments.models import Attempt
    from assessments.statistics import statistics_report

    graded = Attempt.objects.counted().filter(status=Attempt.Status.GRADED)
    before = graded.count()
    call_command("load_demo")
    assert graded.count() == before
    exercises = Exercise.objects.filter(academy__slug="demo-academy").exclude(kind=Exercise.Kind.NEGOTIATION)
    for exercise in exercises.select_related("current_version"):  # negotiations keep no statistics
        report = statistics_report(exercise.current_version)
        assert report["attempts"] >= 10, exercise.slug
        if exercise.kind == Exercise.Kind.SCENARIO:
            start = report["nodes"][0]
            assert start["reached"] >= 10
            assert all(c["discrimination"] is not None for c in start["choices"])
        else:
            assert all(q["discrimination"] is not None for q in report["questions"])


def test_load_demo_twice_makes_no_duplicate_rows(demo):
    """What the demo adds besides pages: exercises (negotiations too), the class's members and
    assignments, enrolments, the demo learners' attempts and the lessons' exercise index."""
    from assessments.models import Attempt
    from cms.models import LessonExercise
    from courses.models import Assignment, ClassMembership, Enrolment

    models = (User, Exercise, ExerciseVersion, Attempt, Assignment, ClassMembership, Enrolment, LessonExercise)
    before = {model.__name__: model.objects.count() for model in models}
    call_command("load_demo")
    assert {model.__name__: model.objects.count() for model in models} == before
    assert before["Assignment"] == 2  # the demo class's two modules
    negotiations = Exercise.objects.filter(academy__slug="demo-academy", kind=Exercise.Kind.NEGOTIATION)
    assert sorted(negotiations.values_list("slug", flat=True)) == ["river-releases", "twin-cities"]


def test_the_demo_teachers_class_statistics_show_its_scenario_with_the_classs_attempts(demo):
    """Issue 16: the demo class is assigned a module with a scenario, and the demo learners in the class
    (half of the sixteen) have graded attempts at it, so the teacher's statistics tab has numbers."""
    from courses.models import SchoolClass

    school_class = SchoolClass.objects.get(name="Demo class 9B")
    teacher = signed_in(User.objects.get(username="demo-teacher"))
    scenario = Exercise.objects.get(academy__slug="demo-academy", slug="youth-coalition-model-un")
    listing = teacher.get(f"/teach/classes/{school_class.pk}/statistics/")
    assert listing.status_code == 200
    [row] = [e for e in listing.context["exercises"] if e.pk == scenario.pk]
    assert row.n_attempts == 8
    page = teacher.get(f"/teach/classes/{school_class.pk}/statistics/{scenario.pk}/")
    assert page.status_code == 200
    assert page.context["report"]["attempts"] == 8
    assert "8 graded attempts" in page.content.decode()
    start = page.context["nodes"][0]
    assert start["reached"] == 8 and start["heat"] > 0  # the heat overlay colours the start node


def test_a_demo_student_opens_a_negotiation_from_the_negotiation_course_and_plays_it_to_a_result(
        demo, django_capture_on_commit_callbacks):
    """Issue 19: a lesson of the negotiation course embeds the twin-cities negotiation; the demo student
    enrols, follows the lesson's link, starts, offers their best package, accepts what comes back (or
    the counterpart accepted already), and reads the graded result."""
    from assessments.models import Attempt

    course = CoursePage.objects.live().get(slug="negotiation", locale__language_code="en")
    lesson = LessonPage.objects.live().descendant_of(course).get(slug="negotiate-a-city-partnership")
    negotiation = Exercise.objects.get(academy__slug="demo-academy", slug="twin-cities")
    student = signed_in(User.objects.get(username="demo-student"))
    assert student.post(f"/courses/{course.pk}/enrol/").status_code == 302
    url = f"/exercises/{negotiation.pk}/"
    assert f'href="{url}"' in student.get(f"/lessons/{lesson.pk}/").content.decode()
    assert "Start the negotiation" in student.get(url).content.decode()
    assert student.post(url + "negotiate/", {"move": "start"}).status_code == 302
    attempt = Attempt.objects.get(exercise=negotiation, learner__username="demo-student")
    brief = negotiation.current_version.document["roles"][0]  # the role a learner plays by default
    assert attempt.answers["role"] == brief["id"]
    best = {f"issue-{issue}": max(options, key=options.get) for issue, options in brief["values"].items()}
    with django_capture_on_commit_callbacks(execute=True):  # the grading task, queued on commit
        student.post(url + "negotiate/", {"move": "offer", **best})
        attempt.refresh_from_db()
        if attempt.status == Attempt.Status.IN_PROGRESS:
            ended = student.post(url + "negotiate/", {"move": "accept"})
            assert ended["Location"] == f"/attempts/{attempt.pk}/"
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.GRADED
    result = student.get(f"/attempts/{attempt.pk}/").content.decode()
    assert "An agreement" in result
