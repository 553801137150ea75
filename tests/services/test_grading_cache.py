"""Each version's normalised document is kept per process: validated once, never per attempt
(graded, played step by step or submitted), and never served for another version or for a
version whose content changed."""
import copy

import pytest

from assessments import documents, grading, selectors, services
from assessments.models import Attempt, ExerciseVersion

from ..factories import PASSING_PATH, SPEC_PATH, SPEC_SCENARIO, import_exercise, make_user


@pytest.fixture(autouse=True)
def empty_cache():
    documents._NORMALISED.clear()
    yield
    documents._NORMALISED.clear()


@pytest.fixture
def normalisations(monkeypatch):
    """Counts the engine's validations of a document (normalise_document runs validate_document)."""
    calls = []
    real = grading.normalise_document

    def counting(doc):
        calls.append(doc["slug"])
        return real(doc)

    monkeypatch.setattr(grading, "normalise_document", counting)
    return calls


def submitted(exercise, steps, version=None):
    return Attempt.objects.create(learner=make_user(), exercise=exercise, version=version or exercise.current_version,
                                  status=Attempt.Status.SUBMITTED, answers={"steps": steps})


def graded(attempt) -> Attempt:
    assert services.attempt_grade(attempt_id=attempt.pk) == "graded"
    return Attempt.objects.get(pk=attempt.pk)


def test_a_version_is_normalised_once_for_all_its_attempts(academy, normalisations):
    exercise = import_exercise(academy)
    results = [graded(submitted(exercise, path)) for path in (PASSING_PATH, SPEC_PATH, PASSING_PATH)]
    assert normalisations == ["shared-river"]
    # the same results as the engine gives from the stored document
    for attempt in results:
        expected = grading.grade(attempt.version.document, attempt.answers, bounds=attempt.version.bounds)
        assert attempt.result == expected


def test_a_new_version_is_graded_against_its_own_document(academy):
    # SPEC_PATH scores 55.6: it fails the spec's threshold of 60 and passes one of 50.
    exercise = import_exercise(academy)
    old = exercise.current_version
    assert graded(submitted(exercise, SPEC_PATH)).passed is False
    lenient = import_exercise(academy, pass_threshold=50)
    new = lenient.current_version
    assert new.pk != old.pk
    assert graded(submitted(lenient, SPEC_PATH, version=new)).passed is True
    # the old version's attempts keep their own document
    assert graded(submitted(exercise, SPEC_PATH, version=old)).passed is False


def test_a_version_whose_content_changed_is_normalised_afresh(academy, normalisations):
    exercise = import_exercise(academy)
    version = exercise.current_version
    assert graded(submitted(exercise, SPEC_PATH)).passed is False
    # A row edited by hand, bypassing import: its hash changes with it, so the cache cannot serve it.
    document = copy.deepcopy(version.document)
    document["pass_threshold"] = 50
    digest = services._content_hash(document)
    ExerciseVersion.objects.filter(pk=version.pk).update(document=document, content_hash=digest)
    assert graded(submitted(exercise, SPEC_PATH)).passed is True
    assert normalisations == ["shared-river", "shared-river"]


def test_the_cache_holds_a_bounded_number_of_versions(academy, monkeypatch):
    monkeypatch.setattr(documents, "NORMALISED_CACHE_SIZE", 2)
    for n in range(4):
        exercise = import_exercise(academy, slug=f"river-{n}")
        graded(submitted(exercise, PASSING_PATH))
    assert len(documents._NORMALISED) == 2


def test_grade_normalised_gives_what_grade_gives():
    doc = grading.normalise_document(copy.deepcopy(SPEC_SCENARIO))
    bounds = grading.compute_bounds(doc)
    for steps in (PASSING_PATH, SPEC_PATH):
        answers = {"steps": steps}
        assert grading.grade_normalised(doc, answers, bounds) == grading.grade(SPEC_SCENARIO, answers, bounds)
    with pytest.raises(grading.InvalidAnswer):
        grading.grade_normalised(doc, {"steps": []}, bounds)


def test_playing_and_submitting_use_the_same_normalised_version(academy, normalisations):
    exercise = import_exercise(academy)
    learner = make_user()
    attempt, _ = services.attempt_start(exercise=exercise, learner=learner)
    services.attempt_step(attempt_id=attempt.pk, learner=learner, move={"choice": "ask"})
    services.attempt_step(attempt_id=attempt.pk, learner=learner, move={"reply": SPEC_PATH[1]["reply"]})
    services.attempt_submit(exercise=exercise, learner=make_user(), answers={"steps": PASSING_PATH})
    assert normalisations == ["shared-river"]
    assert Attempt.objects.get(pk=attempt.pk).status == "submitted"  # its last step reached an outcome


def test_the_reads_that_explain_an_attempt_normalise_its_version_once_however_often_they_run(
        academy, staff, normalisations):
    exercise = import_exercise(academy)
    attempt = graded(submitted(exercise, SPEC_PATH))
    documents._NORMALISED.clear()  # a fresh process: the grading's normalisation is gone
    normalisations.clear()
    for _ in range(3):  # each read from new rows, as each request reads them
        fresh = Attempt.objects.select_related("version", "exercise").get(pk=attempt.pk)
        selectors.attempt_view(attempt=fresh)  # the result, the API's and the site's
        selectors.scenario_result(fresh)
        selectors.attempt_path(fresh)
        selectors.attempt_replies(Attempt.objects.filter(pk=attempt.pk))  # the class's replies
        selectors.academy_exercises(user=staff)  # the staff's exercise list
    assert normalisations == ["shared-river"]
