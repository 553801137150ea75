"""Reads on exercises and attempts, shaped for their callers."""
import re

from django.conf import settings
from django.db.models import Count, Max

from . import grading
from .documents import normalised_document
from .models import Attempt, Exercise, ExerciseVersion, RefusedPath


def exercise_learner_view(*, exercise: Exercise, learner) -> dict:
    """What a learner may see before playing: never the graph, weights or keys.

    `path_refusals_left` (scenarios; None for quizzes) is how many more
    refused whole-path submissions the learner may make at it before whole
    paths are refused outright (assessments.services._check_path).
    """
    summary = grading.learner_summary(normalised_document(exercise.current_version))
    signed_in = learner.is_authenticated
    used = Attempt.objects.filter(exercise=exercise, learner=learner).count() if signed_in else 0
    left = None if exercise.attempt_limit is None else max(exercise.attempt_limit - used, 0)
    refusals_left = None
    if exercise.kind == Exercise.Kind.SCENARIO:
        refused = RefusedPath.objects.filter(exercise=exercise, learner=learner).count() if signed_in else 0
        refusals_left = max(settings.PATH_REFUSALS_PER_EXERCISE - refused, 0)
    return {
        "id": exercise.pk,
        "kind": exercise.kind,
        "version": exercise.current_version.number,
        "visibility": exercise.visibility,
        "attempt_limit": exercise.attempt_limit,
        "attempts_left": left,
        "path_refusals_left": refusals_left,
        **summary,
    }


def exercise_download_filename(*, exercise: Exercise, version: ExerciseVersion) -> str:
    """`<slug>-v<number>.json`, from the slug's safe characters only: a slug stored before slugs
    were checked on import may hold a quote or a line break, which must not reach a header."""
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", exercise.slug).strip("-") or "exercise"
    return f"{slug}-v{version.number}.json"


def attempt_view(*, attempt: Attempt) -> dict:
    """The attempt as its learner (and their teachers) see it.

    The current node is given in the learner's view only; the result only
    once graded, so nothing of the key shows before grading.
    """
    document = normalised_document(attempt.version)
    node = None
    if attempt.exercise.kind == Exercise.Kind.SCENARIO and attempt.current_node:
        node = grading.learner_node(document, attempt.current_node)
    return {
        "id": attempt.pk,
        "exercise": attempt.exercise_id,
        "version": attempt.version.number,
        "status": attempt.status,
        "node": node,
        "path": [_public_step(s) for s in attempt.answers.get("steps", [])],
        "result": attempt.result if attempt.status == Attempt.Status.GRADED else None,
        "score": attempt.score if attempt.status == Attempt.Status.GRADED else None,
        "passed": attempt.passed if attempt.status == Attempt.Status.GRADED else None,
        "created_at": attempt.created_at,
        "submitted_at": attempt.submitted_at,
        "graded_at": attempt.graded_at,
    }


def _public_step(step: dict) -> dict:
    return {k: step[k] for k in ("node", "choice", "reply") if k in step}


def competency_profile(*, learner) -> list[dict]:
    """Per competency: mean of the learner's latest graded scenario attempt per exercise.

    Two queries whatever the number of attempts: the latest graded attempt id
    per exercise, then those attempts' results.
    """
    latest = (
        Attempt.objects.filter(learner=learner, status=Attempt.Status.GRADED, exercise__kind=Exercise.Kind.SCENARIO,
                               preview=False)
        .values("exercise_id")
        .annotate(last=Max("id"))
        .values_list("last", flat=True)
    )
    sums: dict[str, list[float]] = {}
    labels: dict[str, str] = {}
    for result, document in Attempt.objects.filter(id__in=list(latest)).values_list("result", "version__document"):
        for comp in document.get("competencies", []):
            labels.setdefault(comp["key"], comp.get("label", comp["key"]))
        for key, score in (result or {}).get("competencies", {}).items():
            sums.setdefault(key, []).append(score)
    return [
        {"key": key, "label": labels.get(key, key), "score": round(sum(v) / len(v), 1), "exercises": len(v)}
        for key, v in sorted(sums.items())
    ]


def exercise_attempt_counts(*, exercise_ids) -> dict[int, int]:
    return dict(
        Attempt.objects.filter(exercise_id__in=exercise_ids, preview=False)  # staff previews count nowhere
        .values("exercise_id").annotate(n=Count("id")).values_list("exercise_id", "n")
    )
