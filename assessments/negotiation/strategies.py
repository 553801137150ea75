"""The counterpart (spec "The counterpart"): how the machine plays a role, deterministic for a seed.

Each strategy sets a target utility for the machine's turn, never below the
role's reservation value, proposes an outcome at or above it, and accepts the
standing offer when it is worth at least what it would propose (or, on the
session's last turn, at least its reservation value). It never asks, rejects
or walks away.
"""
import hashlib
from fractions import Fraction

from .model import Negotiation, Outcome
from .protocol import State, round_of

HUNDRED = Fraction(100)


def relative_time(neg: Negotiation, turn: int) -> Fraction:
    """t in [0, 1]: 0 in the first round, 1 in the last (1 throughout when the deadline is one round)."""
    if neg.deadline == 1:
        return Fraction(1)
    return Fraction(round_of(turn) - 1, neg.deadline - 1)


def floor(neg: Negotiation, role_id: str) -> Fraction:
    """The lowest target a strategy may set: the reservation value, or the worst outcome when that is higher."""
    position = neg.position(role_id)
    worst = min(o.utilities[position] for o in neg.outcomes)
    return max(neg.role(role_id).reservation, worst)


def aspiration(reservation: Fraction, e: Fraction, t: Fraction) -> Fraction:
    """The time-based target: F + (100 − F)(1 − t^(1/e)), F the floor (`reservation` here).

    e < 1 is Boulware (holds out, concedes late), e = 1 linear, e > 1 a
    conceder. t^(1/e) is the one value computed in binary floating point
    (IEEE-754 double `pow`); it is then taken exactly, so the target is 100 at
    t = 0 and exactly R at t = 1, and the rest is exact.
    """
    power = Fraction(float(t) ** (1 / float(e)))
    return reservation + (HUNDRED - reservation) * (1 - power)


def tit_for_tat_target(neg: Negotiation, role_id: str, state: State, factor: Fraction) -> Fraction:
    """100 minus factor × the other side's concessions so far, in this role's utility; at least the floor.

    A concession is a rise, in this role's utility, from one of the other
    side's offers to its next; a retreat (a fall) is not taken back.
    """
    theirs = [neg.utility(role_id, options) for _, options in state.offers[neg.other(role_id).id]]
    conceded = sum((max(Fraction(0), b - a) for a, b in zip(theirs, theirs[1:], strict=False)), Fraction(0))
    return max(floor(neg, role_id), HUNDRED - factor * conceded)


def target(neg: Negotiation, role_id: str, state: State) -> Fraction:
    """The machine's target utility on the turn to be played in `state`."""
    role = neg.role(role_id)
    strategy = role.strategy
    if strategy.name == "tit_for_tat":
        return tit_for_tat_target(neg, role_id, state, strategy.factor)
    return aspiration(floor(neg, role_id), strategy.e, relative_time(neg, state.turns))


def tie_key(seed: int, turn: int, outcome: Outcome) -> str:
    """The seeded tie-break: SHA-256 of "seed:turn:option,option,..."; the smallest digest wins."""
    text = f"{seed}:{turn}:{','.join(outcome.options)}"
    return hashlib.sha256(text.encode()).hexdigest()


def proposal(neg: Negotiation, role_id: str, state: State, seed: int) -> Outcome:
    """What the machine playing `role_id` would offer on this turn."""
    position = neg.position(role_id)
    level = target(neg, role_id, state)
    candidates = [o for o in neg.outcomes if o.utilities[position] >= level]
    theirs = state.offers[neg.other(role_id).id]
    if neg.role(role_id).strategy.name == "tradeoff" and theirs:
        last = theirs[-1][1]

        def differing(o: Outcome) -> int:
            return sum(1 for a, b in zip(o.options, last, strict=True) if a != b)

        return min(candidates, key=lambda o: (differing(o), -o.utilities[position], tie_key(seed, state.turns, o)))
    return min(candidates, key=lambda o: (o.utilities[position], tie_key(seed, state.turns, o)))


def machine_move(neg: Negotiation, state: State, seed: int) -> dict:
    """The machine's move for the role to move in `state` (which must be open)."""
    role_id = state.to_move
    role = neg.role(role_id)
    position = neg.position(role_id)
    proposed = proposal(neg, role_id, state, seed)
    if state.standing is not None:
        offered = neg.utility(role_id, state.standing)
        last_turn = state.turns == 2 * neg.deadline - 1
        if offered >= proposed.utilities[position] or (last_turn and offered >= role.reservation):
            return {"type": "accept"}
    return {"type": "offer", "package": neg.as_package(proposed.options)}
