"""Issue 20, finding 14: the admin warned "There is no site record for this location" on every module,
because the default Site was rooted at Wagtail's first page, beside Parley's home page. The Site is
rooted at the home page; each page's URL is where learners read it on the site."""
import pytest
from wagtail.models import Site

from accounts.models import AcademyMembership
from cms.models import HomePage

from ..conftest import signed_in
from ..factories import course_lessons, course_modules, make_course, make_staff

pytestmark = pytest.mark.django_db

WARNINGS = ("There is no site record for this location", "There is no site set up for this location")


def test_the_default_site_is_rooted_at_the_home_page(academy):
    assert Site.objects.get(is_default_site=True).root_page_id == HomePage.objects.get().pk


@pytest.mark.parametrize("who", ["editor", "admin"])
def test_a_modules_admin_page_shows_no_site_warning(academy, who, admin_user):
    course = make_course(academy, modules=1, lessons=2)
    module = course_modules(course)[0]
    user = make_staff(academy, AcademyMembership.StaffRole.EDITOR) if who == "editor" else admin_user
    page = signed_in(user).get(f"/cms/pages/{module.pk}/")
    assert page.status_code == 200
    assert not any(warning in page.content.decode() for warning in WARNINGS)


def test_pages_point_at_the_site_where_learners_read_them(academy):
    course = make_course(academy, modules=1, lessons=1)
    module, lesson = course_modules(course)[0], course_lessons(course)[0]
    assert course.relative_url(None) == f"/courses/{course.pk}/"
    assert module.relative_url(None) == f"/courses/{course.pk}/#module-{module.pk}"
    assert lesson.relative_url(None) == f"/lessons/{lesson.pk}/"


def test_wagtails_page_serving_still_serves_nothing_below_the_home_page(academy, client):
    course = make_course(academy, modules=1, lessons=1)
    assert client.get("/pages/" + course.url_path.split("/", 2)[2]).status_code == 404
