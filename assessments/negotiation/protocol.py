"""The move protocol (spec "Moves"): replaying a transcript into a state, checking one move.

A transcript is the list of moves in the order they were made, each
`{"role", "by", "type", ...}`. Nothing else is stored: the state (whose turn,
the standing offer, the round, whether and how the session ended) is
recomputed from it, so the engine keeps no state between calls.
"""
from dataclasses import dataclass, field

from assessments.grading import InvalidAnswer, Problem
from assessments.grading.problems import index_path, key_path

from . import limits
from .model import Negotiation

TURN_TYPES = ("offer", "accept", "reject", "walk_away")
MOVE_FIELDS = {"type", "package", "question", "note"}
ENTRY_FIELDS = MOVE_FIELDS | {"role", "by"}


@dataclass
class State:
    """Where a session stands after a transcript."""

    status: str = "open"  # open | agreement | walkaway | deadline
    turns: int = 0  # moves that passed the turn (offer, accept, reject, walk_away)
    to_move: str | None = None
    standing: tuple | None = None  # the other side's offer on the previous turn, as option ids
    deal: tuple | None = None
    ended_by: str | None = None
    asked: list = field(default_factory=list)  # question ids, in the order asked
    offers: dict = field(default_factory=dict)  # role id -> [(turn index, options)]

    @property
    def open(self) -> bool:
        return self.status == "open"


def round_of(turn: int) -> int:
    """The round (from 1) of the turn with this index (from 0): each round is one turn per side."""
    return turn // 2 + 1


def mover(neg: Negotiation, turn: int) -> str:
    """The role whose turn has this index: the opening role on even turns."""
    return neg.opens if turn % 2 == 0 else neg.other(neg.opens).id


def initial_state(neg: Negotiation) -> State:
    return State(to_move=neg.opens, offers={r.id: [] for r in neg.roles})


def move_problems(neg: Negotiation, state: State, move, path: str, *, role: str) -> list[Problem]:
    """Why `move` by `role` is not a valid next move in `state` (empty when it is).

    The checks run in the spec's order and stop at the first that fails, so
    a refusal names one reason: the shape, the session over, the turn, then the
    move's own content.
    """
    if not isinstance(move, dict):
        return [Problem(path, "wrong_type", "a move must be a JSON object")]
    allowed = ENTRY_FIELDS if path.startswith("transcript") else MOVE_FIELDS
    for key in move:
        if key not in allowed:
            return [Problem(key_path(path, key), "unknown_field", "is not a field of a move")]
    kind = move.get("type")
    if kind not in limits.MOVE_TYPES:
        return [Problem(key_path(path, "type"), "bad_move", "must be one of " + ", ".join(limits.MOVE_TYPES))]
    note = move.get("note")
    if note is not None and (not isinstance(note, str) or len(note) > limits.MAX_NOTE_CHARS):
        limit = limits.MAX_NOTE_CHARS
        return [Problem(key_path(path, "note"), "bad_note", f"must be a string of at most {limit} characters")]
    if not state.open:
        return [Problem(path, "session_over", "the negotiation has ended")]
    if role != state.to_move:
        return [Problem(path, "not_your_turn", "it is the other side's turn")]
    if kind == "offer":
        return _package_problems(neg, move.get("package"), key_path(path, "package"))
    if move.get("package") is not None:
        return [Problem(key_path(path, "package"), "unknown_field", f"a {kind} move carries no package")]
    if kind in ("accept", "reject") and state.standing is None:
        return [Problem(key_path(path, "type"), "no_offer", f"there is no offer from the other side to {kind}")]
    if kind == "ask":
        question = move.get("question")
        qpath = key_path(path, "question")
        if not isinstance(question, str) or neg.questions.get(question, (None,))[0] != role:
            # The same refusal for an unknown id and for the other role's question.
            return [Problem(qpath, "unknown_question", "names none of your questions")]
        if question in state.asked:
            return [Problem(qpath, "already_asked", "was asked already")]
    elif move.get("question") is not None:
        return [Problem(key_path(path, "question"), "unknown_field", f"a {kind} move carries no question")]
    return []


def _package_problems(neg: Negotiation, package, path: str) -> list[Problem]:
    if not isinstance(package, dict):
        return [Problem(path, "wrong_type", "an offer's package must be an object: an option per issue")]
    problems = []
    for issue_id, option_id in package.items():
        if issue_id not in neg.options:
            problems.append(Problem(key_path(path, issue_id), "unknown_issue", "names no issue"))
        elif option_id not in neg.options[issue_id]:
            problems.append(Problem(key_path(path, issue_id), "unknown_option", "names no option of this issue"))
    for issue_id in neg.issue_ids:
        if issue_id not in package:
            problems.append(Problem(path, "incomplete_package", f'names no option for issue "{issue_id}"'))
    return problems


def apply(neg: Negotiation, state: State, move: dict, role: str) -> State:
    """The state after a move already checked by move_problems (the state is updated in place)."""
    kind = move["type"]
    if kind == "ask":
        state.asked.append(move["question"])
        return state
    turn = state.turns
    other = neg.other(role).id
    if kind == "offer":
        options = neg.package_options(move["package"])
        state.offers[role].append((turn, options))
        state.standing = options
    elif kind == "accept":
        state.status, state.deal, state.ended_by = "agreement", state.standing, role
    elif kind == "walk_away":
        state.status, state.ended_by = "walkaway", role
    if kind != "offer":
        state.standing = None
    state.turns = turn + 1
    if state.open and state.turns >= 2 * neg.deadline:
        state.status = "deadline"
    state.to_move = other if state.open else None
    return state


def replay(neg: Negotiation, transcript) -> State:
    """The state after a whole transcript; InvalidAnswer at the first entry that is not a valid move."""
    if not isinstance(transcript, list):
        raise InvalidAnswer([Problem("transcript", "wrong_type", "must be an array of moves")])
    state = initial_state(neg)
    for i, entry in enumerate(transcript):
        path = index_path("transcript", i)
        if not isinstance(entry, dict):
            raise InvalidAnswer([Problem(path, "wrong_type", "a move must be a JSON object")])
        role = entry.get("role")
        if role not in (r.id for r in neg.roles):
            raise InvalidAnswer([Problem(key_path(path, "role"), "unknown_role", "names no role")])
        if entry.get("by") not in limits.BY:
            raise InvalidAnswer([Problem(key_path(path, "by"), "bad_format", 'must be "human" or "machine"')])
        problems = move_problems(neg, state, entry, path, role=role)
        if problems:
            raise InvalidAnswer(problems)
        apply(neg, state, entry, role)
    return state


def entry(move: dict, role: str, by: str) -> dict:
    """The transcript entry for a checked move: its fields in a fixed order, nothing else."""
    out = {"role": role, "by": by, "type": move["type"]}
    if move["type"] == "offer":
        out["package"] = dict(move["package"])
    if move["type"] == "ask":
        out["question"] = move["question"]
    if move.get("note"):
        out["note"] = move["note"]
    return out
