"""The learner's reads that the API and the site share: each pair of an endpoint and its page is traced, and
both must run the same read function (the one home of that read), so the two cannot drift apart."""
import sys
from contextlib import contextmanager

import pytest

from assessments import selectors as assessment_selectors
from assessments.documents import normalised_document
from assessments.services import attempt_submit
from cms import selectors as cms_selectors
from courses import progress, reviews
from courses import selectors as course_selectors
from courses.services import enrol

from ..conftest import as_user, signed_in
from ..factories import PASSING_PATH, course_lessons, import_exercise, make_course, make_user


@contextmanager
def calls_of(functions):
    """Which of `functions` ran (by their code, so however a view imported them)."""
    codes = {f.__code__: f.__qualname__ for f in functions}
    seen = set()

    def profile(frame, event, arg):
        if event == "call" and frame.f_code in codes:
            seen.add(codes[frame.f_code])

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        yield seen
    finally:
        sys.setprofile(previous)


@pytest.fixture
def learning(academy, django_capture_on_commit_callbacks):
    exercise = import_exercise(academy)
    course = make_course(academy, modules=1, lessons=2, exercises_in={(0, 1): [exercise.pk]})
    learner = make_user()
    enrol(learner=learner, course=course)
    with django_capture_on_commit_callbacks(execute=True):
        attempt, _ = attempt_submit(exercise=exercise, learner=learner, answers={"steps": PASSING_PATH})
    return {"learner": learner, "course": course, "lesson": course_lessons(course)[1], "attempt": attempt,
            "exercise": exercise}


# (the read, the API path, the site path): each learner read with its one home.
PAIRS = [
    ("lesson navigation", [course_selectors.lesson_navigation, course_selectors.lesson_blocks],
     lambda w: f"/api/v1/lessons/{w['lesson'].pk}/", lambda w: f"/lessons/{w['lesson'].pk}/"),
    # The API answers the contract's raw result, the page explains it with the version's texts: both read the
    # version's document through the per-process cache, and the reviews through one function.
    ("an attempt's reviews and its version", [reviews.attempt_reviews, normalised_document],
     lambda w: f"/api/v1/attempts/{w['attempt'].pk}/", lambda w: f"/attempts/{w['attempt'].pk}/"),
    ("the catalogue", [cms_selectors.published_courses],
     lambda w: "/api/v1/courses/", lambda w: "/courses/"),
    ("the catalogue searched", [cms_selectors.catalogue_courses],
     lambda w: "/api/v1/courses/?q=listening", lambda w: "/courses/?q=listening"),
    ("a course's progress", [progress.learner_marks, progress._summary],
     lambda w: f"/api/v1/courses/{w['course'].pk}/progress/", lambda w: f"/courses/{w['course'].pk}/"),
    ("the learner's progress", [course_selectors.learner_overview],
     lambda w: "/api/v1/me/progress/", lambda w: "/me/progress/"),
    ("the competency profile", [assessment_selectors.competency_profile],
     lambda w: "/api/v1/me/competencies/", lambda w: "/me/competencies/"),
]


@pytest.mark.parametrize(("read", "functions", "api_path", "site_path"), PAIRS, ids=[p[0] for p in PAIRS])
def test_the_api_and_the_site_run_the_same_read(learning, read, functions, api_path, site_path):
    with calls_of(functions) as api_calls:
        assert as_user(learning["learner"]).get(api_path(learning)).status_code == 200
    with calls_of(functions) as site_calls:
        assert signed_in(learning["learner"]).get(site_path(learning)).status_code == 200

    expected = {f.__qualname__ for f in functions}
    assert api_calls == expected, f"{read}: the API skipped {expected - api_calls}"
    assert site_calls == expected, f"{read}: the site skipped {expected - site_calls}"
