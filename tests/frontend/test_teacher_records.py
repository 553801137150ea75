"""Issue 20, finding 12: one date format on the site, a CSV that spreadsheets read (ISO 8601 to the
second, a course column, each student's extension), and former learners as distinct rows that reveal
nobody."""
import csv
import datetime
import io

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from accounts.privacy import account_delete
from courses import services as course_services

from ..conftest import as_user, signed_in
from ..factories import course_modules, later, make_user

pytestmark = pytest.mark.django_db

MOMENT = datetime.datetime(2026, 12, 2, 14, 5, 33, 123456, tzinfo=datetime.UTC)


def _render(text: str, **context) -> str:
    return Template("{% load dates %}" + text).render(Context(context))


@pytest.mark.parametrize("language, written", [("en", "2 December 2026"), ("fr", "2 décembre 2026")])
def test_a_date_is_written_one_way_in_each_language(language, written):
    with translation.override(language):
        assert _render("{{ when|day }}", when=MOMENT) == written
        assert _render("{{ when|day_time }}", when=MOMENT) == f"{written}, 14:05"


def test_the_class_pages_write_dates_the_same_way(teacher, klass, course, student):
    course_services.class_join(student=student, join_code=klass.join_code)
    course_services.assignment_create(actor=teacher, school_class=klass, module_id=course_modules(course)[0].pk,
                                      due_at=later(10))
    client = signed_in(teacher)
    written = _render("{{ when|day }}", when=later(10))
    assert f">{written}</time>" in client.get(f"/teach/classes/{klass.pk}/").content.decode()
    assert written in client.get(f"/teach/classes/{klass.pk}/progress/").content.decode()


def _csv(teacher, klass) -> list[dict]:
    text = as_user(teacher).get(f"/api/v1/classes/{klass.pk}/progress.csv").content.decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_the_csv_has_iso_dates_to_the_second_a_course_and_each_extension(teacher, klass, course, student):
    other = make_user()
    for learner in (student, other):
        course_services.class_join(student=learner, join_code=klass.join_code)
    due = later(10).replace(microsecond=654321)
    assignment, _ = course_services.assignment_create(actor=teacher, school_class=klass,
                                                      module_id=course_modules(course)[0].pk, due_at=due)
    extended = later(20)
    course_services.extension_set(actor=teacher, assignment=assignment, student_id=student.pk, due_at=extended)
    rows = {int(r["student_id"]): r for r in _csv(teacher, klass)}
    assert rows[student.pk]["due_at"] == extended.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert rows[other.pk]["due_at"] == due.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert (rows[student.pk]["extended"], rows[other.pk]["extended"]) == ("yes", "no")
    assert (rows[student.pk]["course_id"], rows[student.pk]["course"]) == (str(course.pk), course.title)


def test_former_learners_are_distinct_rows_numbered_the_same_on_every_page(teacher, klass, course):
    learners = [make_user() for _ in range(3)]
    for learner in learners:
        course_services.class_join(student=learner, join_code=klass.join_code)
    course_services.assignment_create(actor=teacher, school_class=klass, module_id=course_modules(course)[0].pk,
                                      due_at=later(10))
    first, second = sorted(learners[:2], key=lambda u: u.pk)
    old_names = (first.username, second.username)
    for gone in (second, first):  # deleted in the other order: numbers follow the accounts, not the deletions
        account_delete(user=gone, password="pw-Secret-123")
    names = {r["student_id"]: r["username"] for r in _csv(teacher, klass)}
    assert names == {str(first.pk): "Former learner 1", str(second.pk): "Former learner 2",
                     str(learners[2].pk): learners[2].username}
    page = signed_in(teacher).get(f"/teach/classes/{klass.pk}/progress/").content.decode()
    assert page.count("Former learner 1") >= 1 and page.count("Former learner 2") >= 1
    assert not any(name in page for name in old_names)
    roster = signed_in(teacher).get(f"/teach/classes/{klass.pk}/").content.decode().split('id="roster"')[1]
    assert "Former learner 1" in roster and "Former learner 2" in roster
    paged = {}  # a page of one row numbers its former learner as the whole class does
    for number in (1, 2, 3):
        rows = as_user(teacher).get(f"/api/v1/classes/{klass.pk}/students/?page_size=1&page={number}").json()
        paged.update({r["id"]: r["username"] for r in rows["results"]})
    assert (paged[first.pk], paged[second.pk]) == ("Former learner 1", "Former learner 2")
    matrix = as_user(teacher).get(f"/api/v1/classes/{klass.pk}/progress/").json()
    assert sorted(r["username"] for r in matrix["students"])[:2] == ["Former learner 1", "Former learner 2"]


def test_a_due_date_in_the_csv_is_utc(teacher, klass, course, student, settings):
    course_services.class_join(student=student, join_code=klass.join_code)
    course_services.assignment_create(actor=teacher, school_class=klass, module_id=course_modules(course)[0].pk,
                                      due_at=later(3))
    value = _csv(teacher, klass)[0]["due_at"]
    assert value.endswith("Z") and "." not in value
    assert datetime.datetime.fromisoformat(value) > timezone.now()
