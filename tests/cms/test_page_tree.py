"""The course structure's parent/child rules: academy > curriculum > course > module > lesson."""
import pytest
from wagtail.models import Page

from cms.models import AcademyPage, CoursePage, CurriculumPage, HomePage, LessonPage, ModulePage

from ..conftest import signed_in
from ..factories import course_lessons, course_modules, make_course

CHAIN = [HomePage, AcademyPage, CurriculumPage, CoursePage, ModulePage, LessonPage]


@pytest.mark.parametrize("child, parent", list(zip(CHAIN[1:], CHAIN[:-1], strict=True)))
def test_each_page_type_has_exactly_one_allowed_parent_type(child, parent):
    assert child.allowed_parent_page_models() == [parent]
    assert parent.allowed_subpage_models() == [child]


def test_lessons_are_leaves_and_the_home_page_sits_under_the_root():
    assert LessonPage.allowed_subpage_models() == []
    assert HomePage.allowed_parent_page_models() == [Page]


def test_can_create_at_follows_the_chain(academy):
    course = make_course(academy, modules=1, lessons=1)
    module = course_modules(course)[0]
    lesson = course_lessons(course)[0]
    curriculum = course.get_parent().specific
    academy_page = AcademyPage.of(academy)
    allowed = {
        CurriculumPage: academy_page, CoursePage: curriculum, ModulePage: course, LessonPage: module,
    }
    every_page = [academy_page, curriculum, course, module, lesson]
    for model, parent in allowed.items():
        for page in every_page:
            assert model.can_create_at(page) == (page.pk == parent.pk), (model, page)
    assert not any(model.can_create_at(lesson) for model in CHAIN)


def test_the_admin_add_view_refuses_a_lesson_under_a_course_even_for_a_superuser(academy, django_user_model):
    course = make_course(academy, modules=1, lessons=1)
    module = course_modules(course)[0]
    root = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    client = signed_in(root)

    refused = client.get(f"/cms/pages/add/cms/lessonpage/{course.pk}/")
    assert refused.status_code in (302, 403), refused.status_code
    assert refused.status_code == 403 or refused["Location"] == "/cms/"
    posted = client.post(f"/cms/pages/add/cms/lessonpage/{course.pk}/", {"title": "Stray", "slug": "stray"})
    assert posted.status_code in (302, 403)
    assert not LessonPage.objects.filter(slug="stray").exists()

    assert client.get(f"/cms/pages/add/cms/lessonpage/{module.pk}/").status_code == 200
    assert client.get(f"/cms/pages/add/cms/modulepage/{module.pk}/").status_code in (302, 403)


def test_only_one_home_page():
    assert HomePage.max_count == 1
