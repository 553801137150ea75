"""Parley's grading engine: pure Python, no Django.

Turns an exercise document (a scenario or a quiz, see the specs
scenario-format.md and quiz-format.md) and a learner's answers into a result:
scores, feedback, pass or fail. It also validates documents, computes the
per-competency bounds stored once per version, and serves the stepwise play
of a scenario without showing the graph, and the debrief of a graded path
(computed once per version by debrief_plan, then per attempt).

Everything other apps may use is exported here:

    ENGINE_VERSION, Problem, InvalidDocument, InvalidAnswer, NormalisedDocument,
    document_kind, validate_document, normalise_document, compute_bounds,
    check_answers, grade, grade_normalised, learner_node, advance, learner_summary, word_count,
    DebriefPlan, debrief_plan, attempt_debrief, decision_events, path_losses

The functions accept documents as stored and validate them on the way in,
except a NormalisedDocument (normalise_document's output), which they take
as it is; grade_normalised takes any normalised document as it is.
"""
from .debrief import (
    DebriefPlan,
    attempt_debrief,
    debrief_plan,
    decision_events,
    leaves_safe_ground,
    path_losses,
)
from .documents import NormalisedDocument, document_kind, normalise_document, validate_document
from .engine import advance, check_answers, compute_bounds, grade, grade_normalised, learner_node, learner_summary
from .problems import InvalidAnswer, InvalidDocument, Problem
from .text import word_count
from .versions import ENGINE_VERSION

__all__ = [
    "DebriefPlan",
    "ENGINE_VERSION",
    "InvalidAnswer",
    "InvalidDocument",
    "NormalisedDocument",
    "Problem",
    "advance",
    "attempt_debrief",
    "check_answers",
    "compute_bounds",
    "debrief_plan",
    "decision_events",
    "document_kind",
    "grade",
    "grade_normalised",
    "learner_node",
    "learner_summary",
    "normalise_document",
    "leaves_safe_ground",
    "path_losses",
    "validate_document",
    "word_count",
]
