"""A teacher's everyday basics on the site (issue 20, findings 10 and 11): assignments that can be
managed, sign-in that lands on their classes, a join link, and confirmations before acts that cannot
be undone."""
import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Role
from courses import services as course_services
from courses.models import Assignment, ClassMembership

from ..conftest import signed_in
from ..factories import course_modules, later, make_user

pytestmark = pytest.mark.django_db


def _messages(page: str) -> list[tuple[str, str]]:
    return re.findall(r'<p class="message message-(\w+)">([^<]*)</p>', page)


def _assign(client, klass, module, due):
    return client.post(f"/teach/classes/{klass.pk}/assignments/", {"module": module.pk, "due": due.isoformat()},
                       follow=True)


def test_assigning_a_module_twice_is_a_warning_not_a_success(teacher, klass, course):
    client = signed_in(teacher)
    module = course_modules(course)[0]
    _assign(client, klass, module, later(10).date())
    again = _assign(client, klass, module, later(20).date()).content.decode()
    assert [tag for tag, _ in _messages(again)] == ["warning"]
    assert "already assigned" in again
    assert Assignment.objects.get(school_class=klass).due_at.date() == later(10).date()


def test_a_past_due_date_is_refused_with_a_clear_message(teacher, klass, course):
    client = signed_in(teacher)
    response = _assign(client, klass, course_modules(course)[0], timezone.localdate() - datetime.timedelta(days=1))
    assert response.status_code == 400
    assert "That date has passed" in response.content.decode()
    assert not Assignment.objects.exists()


def test_the_service_refuses_a_past_due_date_at_its_field(teacher, klass, course):
    with pytest.raises(course_services.CourseError) as refused:
        course_services.assignment_create(actor=teacher, school_class=klass, module_id=course_modules(course)[0].pk,
                                          due_at=timezone.now() - datetime.timedelta(minutes=1))
    assert (refused.value.code, refused.value.attr) == ("due_in_past", "due_at")


def test_a_due_date_can_be_edited(teacher, klass, course):
    assignment, _ = course_services.assignment_create(actor=teacher, school_class=klass,
                                                      module_id=course_modules(course)[0].pk, due_at=later(7))
    new_day = later(30).date()
    response = signed_in(teacher).post(f"/teach/classes/{klass.pk}/assignments/{assignment.pk}/due/",
                                       {f"due{assignment.pk}-due": new_day.isoformat()}, follow=True)
    assert [tag for tag, _ in _messages(response.content.decode())] == ["success"]
    assignment.refresh_from_db()
    assert timezone.localtime(assignment.due_at).date() == new_day


def test_an_edited_due_date_in_the_past_is_refused_and_changes_nothing(teacher, klass, course):
    assignment, _ = course_services.assignment_create(actor=teacher, school_class=klass,
                                                      module_id=course_modules(course)[0].pk, due_at=later(7))
    before = assignment.due_at
    response = signed_in(teacher).post(f"/teach/classes/{klass.pk}/assignments/{assignment.pk}/due/",
                                       {f"due{assignment.pk}-due": "2020-01-01"})
    assert response.status_code == 400 and "That date has passed" in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.due_at == before


def test_unassigning_asks_first_and_then_removes_the_module(teacher, klass, course):
    assignment, _ = course_services.assignment_create(actor=teacher, school_class=klass,
                                                      module_id=course_modules(course)[0].pk, due_at=later(7))
    client = signed_in(teacher)
    url = f"/teach/classes/{klass.pk}/assignments/{assignment.pk}/remove/"
    assert url in client.get(f"/teach/classes/{klass.pk}/").content.decode()
    question = client.get(url)
    assert question.status_code == 200 and "Unassign" in question.content.decode()
    assert Assignment.objects.filter(pk=assignment.pk).exists()  # asking changed nothing
    assert client.post(url).status_code == 302
    assert not Assignment.objects.filter(pk=assignment.pk).exists()


@pytest.mark.parametrize("role, landing", [(Role.TEACHER, "/teach/"), (Role.STUDENT, "/")])
def test_sign_in_lands_on_each_persons_start_page(role, landing):
    person = make_user(role)
    response = Client().post("/sign-in/", {"username": person.username, "password": "pw-Secret-123"})
    assert (response.status_code, response["Location"]) == (302, landing)


def test_an_unverified_teacher_lands_on_my_classes_too(teacher):
    assert not course_services.access.teacher_is_verified(teacher)
    response = Client().post("/sign-in/", {"username": teacher.username, "password": "pw-Secret-123"})
    assert response["Location"] == "/teach/"


def test_sign_in_still_follows_next(teacher):
    response = Client().post("/sign-in/?next=/teach/verification/",
                             {"username": teacher.username, "password": "pw-Secret-123",
                              "next": "/teach/verification/"})
    assert response["Location"] == "/teach/verification/"


def test_the_class_page_offers_a_join_link_that_fills_in_the_join_page(teacher, klass, student):
    page = signed_in(teacher).get(f"/teach/classes/{klass.pk}/").content.decode()
    link = re.search(r'id="join-link" class="join-link" readonly value="([^"]+)"', page).group(1)
    assert link.endswith(f"/classes/join/?code={klass.join_code}")
    assert 'data-copy="#the-code"' in page  # the copy button, shown by copy.js where a clipboard exists
    path = link[link.index("/classes/"):]
    join_page = signed_in(student).get(path).content.decode()
    assert f'value="{klass.join_code}"' in join_page
    assert not ClassMembership.objects.filter(student=student).exists()  # opening the link is not joining


def test_making_a_new_code_asks_first(teacher, klass):
    client = signed_in(teacher)
    url = f"/teach/classes/{klass.pk}/rotate-code/"
    question = client.get(url)
    assert question.status_code == 200 and "stops working" in question.content.decode()
    klass.refresh_from_db()
    old = klass.join_code
    assert client.post(url).status_code == 302
    klass.refresh_from_db()
    assert klass.join_code != old


def test_removing_a_student_asks_first(teacher, klass, student):
    course_services.class_join(student=student, join_code=klass.join_code)
    client = signed_in(teacher)
    url = f"/teach/classes/{klass.pk}/students/{student.pk}/remove/"
    question = client.get(url)
    assert question.status_code == 200 and student.username in question.content.decode()
    assert ClassMembership.objects.filter(student=student).exists()
    assert client.post(url).status_code == 302
    assert not ClassMembership.objects.filter(student=student).exists()


def test_asking_about_someone_not_in_the_class_is_a_missing_page(teacher, klass):
    other = make_user()
    assert signed_in(teacher).get(f"/teach/classes/{klass.pk}/students/{other.pk}/remove/").status_code == 404


def test_the_assign_forms_module_titles_name_their_courses_language(teacher, klass, course):
    """The titles are content, not interface: each option carries its course's language (a French
    interface shows English module titles as English)."""
    page = signed_in(teacher).get(f"/teach/classes/{klass.pk}/").content.decode()
    for module in course_modules(course):
        assert re.search(rf'<option value="{module.pk}" lang="{course.language}"', page), module.title
