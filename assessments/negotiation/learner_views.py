"""What one side may see (spec "What each side sees"): its own brief and utilities, never the other's.

Until the session has ended and been scored, nothing here carries the other
role's weights, values, reservation value, strategy, messages not yet said, or
answers to questions not yet asked.
"""
from assessments.grading.rounding import round_half_up

from .model import Negotiation, prepare
from .protocol import State, apply, initial_state, replay, round_of


def _number(value) -> float:
    return round_half_up(float(value), 1)


def learner_view(doc, role_id: str) -> dict:
    """The brief of `role_id`: the issues, its own points per option, reservation, questions (no answers)."""
    neg = prepare(doc)
    role = neg.role(role_id)
    other = neg.other(role_id)
    norm = neg.document
    return {
        "format": norm["format"], "slug": norm["slug"], "title": norm["title"],
        "language": norm["language"], "summary": norm["summary"],
        "deadline": neg.deadline, "opens": neg.opens,
        "role": {"id": role.id, "label": role.label, "brief": role.brief,
                 "reservation": _number(role.reservation)},
        "counterpart": {"id": other.id, "label": other.label},
        "issues": [
            {"id": issue["id"], "label": issue["label"], "weight": _number(role.issue_weight[issue["id"]]),
             "options": [{"id": o["id"], "label": o["label"], "points": _number(role.points[issue["id"]][o["id"]])}
                         for o in issue["options"]]}
            for issue in norm["issues"]
        ],
        "questions": [{"id": q["id"], "text": q["text"]} for q in role.questions],
        "competencies": [{"key": k, "label": neg.competencies[k]["label"]} for k in role.competencies],
    }


def message_for(neg: Negotiation, role_id: str, kind: str, options: tuple, first_offer: bool) -> dict | None:
    """The message the machine playing `role_id` says with a move: the first in document order that fits.

    A message fits an offer when its `on` is "offer", or "open" and this is the
    role's first offer; an acceptance when its `on` is "accept"; and, when it
    names a package, the move's package has every option it names.
    """
    package = neg.as_package(options)
    for message in neg.role(role_id).messages:
        fits = (message["on"] == kind) or (kind == "offer" and message["on"] == "open" and first_offer)
        if fits and all(package.get(i) == o for i, o in message["package"].items()):
            return message
    return None


def annotated(neg: Negotiation, transcript: list) -> list[tuple[dict, State, dict]]:
    """Each entry of a transcript already replayed without problems, the state before it, what it said.

    `said` holds the scripted answer of an ask ({"answer"}) and the message of
    a machine's offer or acceptance ({"message"}).
    """
    state = initial_state(neg)
    out = []
    for entry in transcript:
        said = {}
        role = entry["role"]
        if entry["type"] == "ask":
            said["answer"] = neg.questions[entry["question"]][1]["answer"]
        elif entry["by"] == "machine" and entry["type"] in ("offer", "accept"):
            options = neg.package_options(entry["package"]) if entry["type"] == "offer" else state.standing
            message = message_for(neg, role, entry["type"], options, first_offer=not state.offers[role])
            if message is not None:
                said["message"] = message["text"]
        before = State(status=state.status, turns=state.turns, to_move=state.to_move, standing=state.standing,
                       asked=list(state.asked), offers={k: list(v) for k, v in state.offers.items()})
        apply(neg, state, entry, role)
        out.append((entry, before, said))
    return out


def state_view(doc, role_id: str, transcript: list) -> dict:
    """The session as `role_id` sees it: every move, with its own utility of each package only."""
    neg = prepare(doc)
    role = neg.role(role_id)
    state = replay(neg, transcript)  # refuses an invalid transcript before anything is shown
    moves = []
    for entry, before, said in annotated(neg, transcript):
        item = {"role": entry["role"], "by": entry["by"], "type": entry["type"], "round": round_of(before.turns)}
        if entry["type"] == "offer":
            item["package"] = dict(entry["package"])
            item["your_utility"] = _number(neg.utility(role_id, entry["package"]))
        if entry["type"] == "accept":
            item["package"] = neg.as_package(before.standing)
            item["your_utility"] = _number(neg.utility(role_id, before.standing))
        if entry["type"] == "ask":
            item["question"] = entry["question"]
            item["text"] = neg.questions[entry["question"]][1]["text"]
        if entry.get("note"):
            item["note"] = entry["note"]
        item.update(said)
        moves.append(item)
    standing = None
    if state.standing is not None and state.to_move == role_id:
        standing = {"package": neg.as_package(state.standing),
                    "your_utility": _number(neg.utility(role_id, state.standing))}
    return {
        "status": state.status,
        "round": min(round_of(state.turns), neg.deadline),
        "rounds_left": max(0, neg.deadline - round_of(state.turns) + 1) if state.open else 0,
        "to_move": state.to_move,
        "your_turn": state.to_move == role_id,
        "standing_offer": standing,
        "deal": neg.as_package(state.deal) if state.deal is not None else None,
        "your_utility": _number(neg.utility(role_id, state.deal) if state.deal is not None else role.reservation)
        if not state.open else None,
        "ended_by": state.ended_by,
        "questions_left": [{"id": q["id"], "text": q["text"]} for q in role.questions if q["id"] not in state.asked]
        if state.open else [],
        "moves": moves,
    }

