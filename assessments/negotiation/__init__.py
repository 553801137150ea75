"""Parley's negotiation engine: pure Python, no Django (docs/specs/negotiation-format.md).

A `negotiation/1` document declares issues with options, two roles with
private briefs and additive utilities, a deadline in rounds and how the
machine plays each role. This package validates documents, computes the
outcome space (the Pareto frontier, the Nash bargaining point), plays the
counterpart, checks moves, and scores and debriefs a finished transcript.

It keeps no state: a session is its transcript (a list of moves) and a seed.
`step` replays the transcript, checks the human's move and lets the machine
answer, the same way for the same inputs. Every function takes a document as
stored or the `Negotiation` that `prepare` makes of it (validated once; keep one
per stored version).

Exported:

    NEGOTIATION_FORMAT, ENGINE_VERSION, Negotiation, Outcome,
    validate, normalise, prepare, utility, enumerate_outcomes, pareto_frontier, nash_point,
    aspiration, max_joint_gain, begin, step, apply_move, counterpart_move, Step,
    score, debrief, frontier_svg, learner_view, state_view
"""
from .debrief import debrief
from .learner_views import learner_view, state_view
from .model import Negotiation, Outcome, normalise, prepare
from .outcomes import enumerate_outcomes, max_joint_gain, nash_point, pareto_frontier
from .picture import frontier_svg
from .play import Step, apply_move, begin, counterpart_move, step
from .scoring import score
from .strategies import aspiration
from .validation import validate
from .versions import ENGINE_VERSION, NEGOTIATION_FORMAT


def utility(doc, role_id: str, package: dict):
    """The role's utility (0-100, an exact Fraction) of a complete package {issue: option}."""
    return prepare(doc).utility(role_id, package)


__all__ = [
    "ENGINE_VERSION",
    "NEGOTIATION_FORMAT",
    "Negotiation",
    "Outcome",
    "Step",
    "apply_move",
    "aspiration",
    "begin",
    "counterpart_move",
    "debrief",
    "enumerate_outcomes",
    "frontier_svg",
    "learner_view",
    "max_joint_gain",
    "nash_point",
    "normalise",
    "pareto_frontier",
    "prepare",
    "score",
    "state_view",
    "step",
    "utility",
    "validate",
]
