"""Issue 20, finding 10, in the API: a due date in the past is refused in the error shape and changes
nothing; a duplicate assignment changes nothing (200 with the first row); a due date can be changed and
a module unassigned (PATCH and DELETE of the assignment)."""
import pytest
from django.utils import timezone

from courses import services as course_services
from courses.models import Assignment

from ..conftest import as_user, error_codes
from ..factories import course_modules, later, make_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(academy):
    return make_course(academy, modules=2, lessons=1)


@pytest.fixture
def klass(teacher):
    return course_services.class_create(teacher=teacher, name="10C")


def test_a_past_due_date_is_refused_at_its_field(teacher, klass, course):
    response = as_user(teacher).post(f"/api/v1/classes/{klass.pk}/assignments/", {
        "module": course_modules(course)[0].pk, "due_at": (timezone.now() - timezone.timedelta(hours=1)).isoformat(),
    }, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "due_at"
    assert error_codes(response) == ["due_in_past"]
    assert not Assignment.objects.exists()


def test_a_duplicate_keeps_the_first_due_date(teacher, klass, course):
    module = course_modules(course)[0]
    first = as_user(teacher).post(f"/api/v1/classes/{klass.pk}/assignments/",
                                  {"module": module.pk, "due_at": later(5).isoformat()}, format="json")
    again = as_user(teacher).post(f"/api/v1/classes/{klass.pk}/assignments/",
                                  {"module": module.pk, "due_at": later(9).isoformat()}, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["due_at"] == first.json()["due_at"]


def test_patching_a_due_date_into_the_past_is_refused(teacher, klass, course):
    assignment, _ = course_services.assignment_create(actor=teacher, school_class=klass,
                                                      module_id=course_modules(course)[0].pk, due_at=later(5))
    response = as_user(teacher).patch(f"/api/v1/classes/{klass.pk}/assignments/{assignment.pk}/",
                                      {"due_at": "2021-03-01T12:00:00Z"}, format="json")
    assert response.status_code == 400 and error_codes(response) == ["due_in_past"]
    assignment.refresh_from_db()
    assert assignment.due_at > timezone.now()


def test_a_due_date_is_changed_and_a_module_unassigned(teacher, klass, course):
    assignment, _ = course_services.assignment_create(actor=teacher, school_class=klass,
                                                      module_id=course_modules(course)[0].pk, due_at=later(5))
    url = f"/api/v1/classes/{klass.pk}/assignments/{assignment.pk}/"
    assert as_user(teacher).patch(url, {"due_at": later(12).isoformat()}, format="json").status_code == 200
    assignment.refresh_from_db()
    assert assignment.due_at.date() == later(12).date()
    assert as_user(teacher).delete(url).status_code == 204
    assert not Assignment.objects.exists()
