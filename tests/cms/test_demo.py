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
