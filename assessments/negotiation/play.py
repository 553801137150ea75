"""Playing a session (spec "Moves"): one stateless step over a transcript, deterministic by seed.

The server stores the transcript and the seed; every call replays the
transcript, checks the new move, and lets the machine answer for the other
role until it is the human's turn again or the session has ended. Paired play
uses `apply_move` for each human's move and `counterpart_move` when the
machine stands in for an idle or departed partner.
"""
from dataclasses import dataclass

from assessments.grading import InvalidAnswer, Problem

from . import limits
from .learner_views import message_for, state_view
from .model import Negotiation, prepare
from .protocol import apply, move_problems, replay
from .strategies import machine_move


@dataclass(frozen=True)
class Step:
    """A step's outcome: the whole new transcript, what was said back, and the human's view."""

    transcript: list
    replies: list  # the answer to an ask, then the machine's moves, each with its message if any
    state: dict  # state_view for the human's role


def _entry(neg: Negotiation, move: dict, role: str, by: str) -> dict:
    out = {"role": role, "by": by, "type": move["type"]}
    if move["type"] == "offer":
        out["package"] = {i: move["package"][i] for i in neg.issue_ids}
    if move["type"] == "ask":
        out["question"] = move["question"]
    if move.get("note"):
        out["note"] = move["note"]
    return out


def _check_seed(seed) -> None:
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63:
        raise InvalidAnswer([Problem("seed", "bad_seed", "must be a whole number in [0, 2^63)")])


def apply_move(doc, transcript: list, move, *, role: str, by: str = "human") -> tuple[list, object]:
    """The transcript with one more move by `role`, and the new state. InvalidAnswer (path "move...")."""
    neg = prepare(doc)
    state = replay(neg, transcript)
    if role not in (r.id for r in neg.roles):
        raise InvalidAnswer([Problem("role", "unknown_role", "names no role")])
    if by not in limits.BY:
        raise InvalidAnswer([Problem("by", "bad_format", 'must be "human" or "machine"')])
    problems = move_problems(neg, state, move, "move", role=role)
    if problems:
        raise InvalidAnswer(problems)
    entry = _entry(neg, move, role, by)
    apply(neg, state, entry, role)
    return [*transcript, entry], state


def counterpart_move(doc, transcript: list, seed: int) -> dict:
    """The machine's move for the role to move after `transcript` (the session must be open)."""
    _check_seed(seed)
    neg = prepare(doc)
    state = replay(neg, transcript)
    if not state.open:
        raise InvalidAnswer([Problem("transcript", "session_over", "the negotiation has ended")])
    return machine_move(neg, state, seed)


def _machine_until(neg: Negotiation, transcript: list, state, role: str, seed: int) -> list:
    """Let the machine play the other role while the session is open and it is not `role`'s turn."""
    replies = []
    while state.open and state.to_move != role:
        mover = state.to_move
        move = machine_move(neg, state, seed)
        entry = _entry(neg, move, mover, "machine")
        before_standing, before_offers = state.standing, bool(state.offers[mover])
        reply = dict(entry)
        if entry["type"] in ("offer", "accept"):
            options = neg.package_options(entry["package"]) if entry["type"] == "offer" else before_standing
            message = message_for(neg, mover, entry["type"], options, first_offer=not before_offers)
            if message is not None:
                reply["message"] = message["text"]
        apply(neg, state, entry, mover)
        transcript.append(entry)
        replies.append(reply)
    return replies


def begin(doc, role: str, seed: int) -> Step:
    """A new solo session with the human in `role`: the machine opens when the other role opens."""
    _check_seed(seed)
    neg = prepare(doc)
    if role not in (r.id for r in neg.roles):
        raise InvalidAnswer([Problem("role", "unknown_role", "names no role")])
    transcript: list = []
    state = replay(neg, transcript)
    replies = _machine_until(neg, transcript, state, role, seed)
    return Step(transcript, replies, state_view(neg, role, transcript))


def step(doc, role: str, transcript: list, move, seed: int) -> Step:
    """The human in `role` makes `move`; the machine answers for the other role (spec "Moves").

    Checks the transcript (InvalidAnswer at `transcript[i]...`) and the move
    (InvalidAnswer at `move...`, nothing changed). An ask is answered from the
    script and keeps the turn; any other move passes it, and the machine plays
    until it is the human's turn again or the session ends. The same document,
    transcript, move and seed always give the same step.
    """
    _check_seed(seed)
    neg = prepare(doc)
    new, state = apply_move(neg, transcript, move, role=role)
    entry = new[-1]
    replies = []
    if entry["type"] == "ask":
        replies.append({"type": "answer", "question": entry["question"],
                        "text": neg.questions[entry["question"]][1]["answer"]})
    replies += _machine_until(neg, new, state, role, seed)
    return Step(new, replies, state_view(neg, role, new))
