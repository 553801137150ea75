"""The published course and its structure are cached, and any change to the page tree shows at once:
publishing, unpublishing, moving, deleting, renaming on publish, restricting. Each test fills the
cache first, then changes the tree, then reads again. The cache is the embedded default's (files
that every process reads, config/settings.py), so a change made in one process reaches the entries
another reads: two tests check it with a second process."""
import json
import os
import subprocess
import sys

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from cms import selectors
from cms.models import LessonPage, ModulePage
from courses.models import LessonRead
from courses.services import enrol

from ..conftest import as_user
from ..factories import course_lessons, course_modules, make_course, make_user


@pytest.fixture
def course(academy):
    return make_course(academy, modules=2, lessons=2)


@pytest.fixture
def learner(course):
    learner = make_user()
    enrol(learner=learner, course=course)
    for lesson in course_lessons(course):
        LessonRead.objects.create(learner=learner, lesson=lesson)
    return learner


def structure_ids(api, course) -> list[tuple[int, list[int]]]:
    response = api.get(f"/api/v1/courses/{course.pk}/")
    assert response.status_code == 200
    return [(m["id"], [lesson["id"] for lesson in m["lessons"]]) for m in response.json()["modules"]]


def progress(learner, course):
    return as_user(learner).get(f"/api/v1/courses/{course.pk}/progress/")


def queries(callable_) -> int:
    with CaptureQueriesContext(connection) as captured:
        callable_()
    return len(captured.captured_queries)


def test_a_cached_structure_is_read_without_querying_the_tree(course):
    cold = queries(lambda: selectors.course_structure(course))
    assert cold >= 3  # modules, lessons, lesson-exercise links (and the hidden ancestors, for live())
    assert queries(lambda: selectors.course_structure(course)) == 0
    assert queries(lambda: selectors.published_course(course.pk)) > 0
    assert queries(lambda: selectors.published_course(course.pk)) == 0


def test_with_the_tree_cache_turned_off_every_read_queries_the_tree(course, settings):
    settings.PAGE_TREE_CACHE = False
    selectors.course_structure(course)
    assert queries(lambda: selectors.course_structure(course)) >= 3
    assert queries(lambda: selectors.published_course(course.pk)) > 0


def test_a_warm_progress_request_is_one_query(course, learner):
    assert progress(learner, course).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        body = progress(learner, course).json()
    # read marks, passed attempts and the enrolment, in one UNION ALL
    assert len(captured.captured_queries) == 1
    assert body["percent"] == 100.0


def test_each_read_gets_its_own_copy(course):
    first = selectors.course_structure(course)
    first[0]["lessons"].clear()
    assert selectors.course_structure(course)[0]["lessons"]


def test_a_lesson_published_after_caching_shows_at_once(api, course, learner):
    before = structure_ids(api, course)
    assert progress(learner, course).json()["total_lessons"] == 4
    module = course_modules(course)[1]
    new = module.add_child(instance=LessonPage(title="New", slug="new", live=False))
    new.save_revision().publish()
    assert structure_ids(api, course) == [before[0], (before[1][0], [*before[1][1], new.pk])]
    body = progress(learner, course).json()
    assert (body["total_lessons"], body["percent"]) == (5, 80.0)


def test_a_lesson_or_module_unpublished_after_caching_goes_at_once(api, course, learner):
    first, second = structure_ids(api, course)
    LessonPage.objects.get(pk=first[1][0]).unpublish()
    assert structure_ids(api, course) == [(first[0], first[1][1:]), second]
    ModulePage.objects.get(pk=second[0]).unpublish()
    assert structure_ids(api, course) == [(first[0], first[1][1:])]
    assert progress(learner, course).json()["total_lessons"] == 1


def test_a_lesson_moved_after_caching_leaves_one_course_and_joins_the_other(api, academy, course):
    other = make_course(academy, modules=1, lessons=0)
    assert len(structure_ids(api, course)[0][1]) == 2 and structure_ids(api, other)[0][1] == []
    moved = course_lessons(course)[0]
    moved.move(course_modules(other)[0], pos="last-child")
    assert moved.pk not in structure_ids(api, course)[0][1]
    assert structure_ids(api, other)[0][1] == [moved.pk]


def test_a_title_shows_when_published_not_when_drafted(api, course):
    module = ModulePage.objects.get(pk=course_modules(course)[0].pk)
    assert api.get(f"/api/v1/courses/{course.pk}/").json()["modules"][0]["title"] == "Module 1"
    module.title = "Renamed"
    revision = module.save_revision()
    assert api.get(f"/api/v1/courses/{course.pk}/").json()["modules"][0]["title"] == "Module 1"
    revision.publish()
    assert api.get(f"/api/v1/courses/{course.pk}/").json()["modules"][0]["title"] == "Renamed"


def test_a_course_unpublished_or_restricted_after_caching_is_refused_at_once(academy, course, learner):
    assert progress(learner, course).status_code == 200
    restriction = PageViewRestriction.objects.create(page=course, restriction_type="password", password="x")
    assert progress(learner, course).status_code == 404
    assert as_user(learner).post(f"/api/v1/courses/{course.pk}/enrol/").status_code == 404
    restriction.delete()
    assert progress(learner, course).status_code == 200
    course.unpublish()
    assert progress(learner, course).status_code == 404


def test_the_generation_is_replaced_again_on_commit(db, django_capture_on_commit_callbacks):
    # A request that read the tree before a change committed may have cached the old
    # tree under the generation set by the change itself: the commit replaces it again.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        selectors.structure_changed()
    during = cache.get(selectors.GENERATION_KEY)
    assert during is not None and len(callbacks) == 1
    callbacks[0]()
    assert cache.get(selectors.GENERATION_KEY) not in (None, during)


def test_without_the_cache_the_database_answers(course, monkeypatch):
    expected = selectors.course_structure(course)

    def unavailable(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get_many", unavailable)
    assert selectors.course_structure(course) == expected
    assert selectors.published_course(course.pk).pk == course.pk


def test_a_lesson_deleted_after_caching_goes_at_once(api, course):
    first, second = structure_ids(api, course)
    LessonPage.objects.get(pk=second[1][0]).delete()
    assert structure_ids(api, course) == [first, (second[0], second[1][1:])]


# --- across processes: a second Python process with the same settings reads the same cache ---------

_PEEK = """
import json, sys, django
django.setup()
from cms import selectors
if sys.argv[1] == "change":
    selectors.structure_changed()  # outside a transaction: on_commit runs at once
from django.core.cache import cache
found = cache.get_many([selectors.GENERATION_KEY, sys.argv[2]])
entry = found.get(sys.argv[2])
print(json.dumps({"fresh": entry is not None and entry[0] == found.get(selectors.GENERATION_KEY)}))
"""


def other_process(action: str, key: str) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test"}
    done = subprocess.run([sys.executable, "-c", _PEEK, action, key], env=env, capture_output=True, text=True,
                          timeout=120, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_publish_in_this_process_makes_another_process_see_the_entry_as_stale(course):
    key = f"cms:structure:{course.pk}"
    selectors.course_structure(course)
    assert other_process("read", key) == {"fresh": True}
    module = course_modules(course)[0]
    module.add_child(instance=LessonPage(title="New", slug="new", live=False)).save_revision().publish()
    assert other_process("read", key) == {"fresh": False}


def test_a_change_in_another_process_makes_this_one_read_the_tree_again(course):
    selectors.course_structure(course)
    assert queries(lambda: selectors.course_structure(course)) == 0
    other_process("change", f"cms:structure:{course.pk}")
    assert queries(lambda: selectors.course_structure(course)) >= 3
