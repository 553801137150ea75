"""The counterpart (spec "The counterpart"): the three strategies keep their definitions.

Time-based concession follows R + (100 − R)(1 − t^(1/e)); every strategy's
offers stay at or above its target, and so never below its reservation value;
time-based offers never rise in the machine's own utility; the same seed gives
the same moves.
"""
from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from assessments import negotiation
from assessments.negotiation.protocol import initial_state, replay
from assessments.negotiation.strategies import aspiration, machine_move, proposal, relative_time, target, tie_key

from .domains import documents, valid
from .spec_example import negotiation_doc

FAST = settings(max_examples=60, deadline=None)


def offer(quota, inspection):
    return {"type": "offer", "package": {"quota": quota, "inspection": inspection}}


def test_the_aspiration_curve_starts_at_100_and_ends_at_the_reservation_value():
    r = Fraction(20)
    for e in (Fraction(1, 2), Fraction(1), Fraction(3)):
        assert aspiration(r, e, Fraction(0)) == 100
        assert aspiration(r, e, Fraction(1)) == 20


def test_boulware_holds_out_and_a_conceder_gives_way_early():
    r, t = Fraction(20), Fraction(1, 2)
    boulware, linear, conceder = (aspiration(r, Fraction(e), t) for e in ("0.5", "1", "2"))
    assert linear == 60  # 20 + 80 · (1 − 1/2)
    assert boulware == 80  # 20 + 80 · (1 − (1/2)^2)
    assert boulware > linear > conceder
    assert float(conceder) == pytest.approx(20 + 80 * (1 - 0.5**0.5))


def test_relative_time_runs_from_the_first_round_to_the_last():
    neg = negotiation.prepare(negotiation_doc())  # three rounds
    assert [relative_time(neg, turn) for turn in range(6)] == [0, 0, Fraction(1, 2), Fraction(1, 2), 1, 1]
    doc = negotiation_doc()
    doc["deadline"] = 1
    assert relative_time(negotiation.prepare(doc), 1) == 1


def _play_machine_against(doc, human_offers, seed):
    """The machine plays its role against a fixed list of human offers (one per human turn)."""
    neg = negotiation.prepare(doc)
    human = neg.opens
    transcript = []
    machine_offers = []
    for package in human_offers:
        step = negotiation.step(neg, human, transcript, {"type": "offer", "package": package}, seed)
        transcript = step.transcript
        machine_offers += [neg.utility(e["role"], e["package"]) for e in step.replies if e["type"] == "offer"]
        if step.state["status"] != "open":
            break
    return neg, transcript, machine_offers


@st.composite
def plays(draw):
    doc = draw(documents(deadline=draw(st.integers(2, 8))))
    neg_ids = [[o["id"] for o in issue["options"]] for issue in doc["issues"]]
    offers = [
        {issue["id"]: draw(st.sampled_from(ids)) for issue, ids in zip(doc["issues"], neg_ids, strict=True)}
        for _ in range(doc["deadline"])
    ]
    return doc, offers, draw(st.integers(0, 2**63 - 1))


@FAST
@given(plays())
def test_time_based_offers_never_rise_in_own_utility_and_never_fall_below_the_reservation_value(play):
    doc, offers, seed = play
    assume(valid(doc))
    doc["roles"][1]["counterpart"] = {"strategy": "time", "e": doc["roles"][1]["counterpart"].get("e", 1)}
    neg, transcript, machine = _play_machine_against(doc, offers, seed)
    reservation = neg.roles[1].reservation
    assert all(u >= reservation for u in machine)
    assert all(b <= a for a, b in zip(machine, machine[1:], strict=False))


@FAST
@given(plays())
def test_every_strategy_offers_at_or_above_its_target_and_accepts_only_what_beats_its_reservation(play):
    doc, offers, seed = play
    assume(valid(doc))
    neg = negotiation.prepare(doc)
    human = neg.opens
    machine = neg.other(human).id
    transcript = []
    for package in offers:
        step = negotiation.step(neg, human, transcript, {"type": "offer", "package": package}, seed)
        state = replay(neg, step.transcript[: len(transcript) + 1])
        transcript = step.transcript
        for entry in step.replies:
            if entry["type"] == "offer":
                assert neg.utility(machine, entry["package"]) >= target(neg, machine, state)
                assert neg.utility(machine, entry["package"]) >= neg.role(machine).reservation
            if entry["type"] == "accept":
                assert neg.utility(machine, package) >= neg.role(machine).reservation
        if step.state["status"] != "open":
            break


@FAST
@given(plays())
def test_tit_for_tat_never_raises_its_target(play):
    doc, offers, seed = play
    assume(valid(doc))
    doc["roles"][1]["counterpart"] = {"strategy": "tit_for_tat", "factor": 1}
    neg, transcript, machine = _play_machine_against(doc, offers, seed)
    state = initial_state(neg)
    targets = []
    for i, entry in enumerate(transcript):
        if entry["role"] == neg.roles[1].id and entry["by"] == "machine":
            targets.append(target(neg, entry["role"], state))
        state = replay(neg, transcript[: i + 1])
    assert all(b <= a for a, b in zip(targets, targets[1:], strict=False))
    assert all(t >= neg.roles[1].reservation for t in targets)


@FAST
@given(plays())
def test_the_same_seed_gives_the_same_session(play):
    doc, offers, seed = play
    assume(valid(doc))
    first = _play_machine_against(doc, offers, seed)[1]
    second = _play_machine_against(doc, offers, seed)[1]
    assert first == second


def test_ties_are_broken_by_the_seed():
    """Two packages worth the same to the machine: which one it offers depends on the seed, and only on it."""
    doc = negotiation_doc()
    doc["roles"][1]["values"]["inspection"] = {"none": 100, "shared": 100, "coastal": 0}
    neg = negotiation.prepare(doc)
    choices = set()
    for seed in range(20):
        step = negotiation.step(neg, "coastal", [], offer("small", "coastal"), seed)
        choices.add(step.replies[0]["package"]["inspection"])
        again = negotiation.step(neg, "coastal", [], offer("small", "coastal"), seed)
        assert again == step
    assert choices == {"none", "shared"}


def test_the_tie_key_is_the_sha256_of_seed_turn_and_options():
    import hashlib

    outcome = negotiation.enumerate_outcomes(negotiation_doc())[0]
    assert tie_key(7, 3, outcome) == hashlib.sha256(b"7:3:small,none").hexdigest()


def test_tit_for_tat_concedes_what_the_other_side_conceded_in_its_utility():
    doc = negotiation_doc()
    doc["opens"] = "coastal"
    doc["roles"][1]["counterpart"] = {"strategy": "tit_for_tat", "factor": 1}
    neg = negotiation.prepare(doc)
    transcript = []
    # coastal offers (small, coastal): 0 to the fleet, then (small, none): 25 to the fleet.
    step = negotiation.step(neg, "coastal", transcript, offer("small", "coastal"), 1)
    assert neg.utility("fleet", step.replies[0]["package"]) == 100
    step = negotiation.step(neg, "coastal", step.transcript, offer("small", "none"), 1)
    state = replay(neg, step.transcript[:-1])
    assert target(neg, "fleet", state) == 75  # 100 − 1 · 25
    assert neg.utility("fleet", step.replies[0]["package"]) == 75  # (large, coastal), the least at or above 75


def test_the_tradeoff_strategy_moves_toward_the_last_offer_at_its_level():
    doc = negotiation_doc()
    doc["deadline"] = 5
    doc["roles"][1]["counterpart"] = {"strategy": "tradeoff", "e": 1}
    neg = negotiation.prepare(doc)
    step = negotiation.step(neg, "coastal", [], offer("large", "coastal"), 1)
    # t = 0: target 100, only (large, none) reaches it.
    assert step.replies[0]["package"] == {"quota": "large", "inspection": "none"}
    step = negotiation.step(neg, "coastal", step.transcript, offer("medium", "coastal"), 1)
    # t = 1/4: target 20 + 80 · 3/4 = 80; at or above it: (large, none) 100 and (large, shared) 95, both
    # two issues away from (medium, coastal); the tie goes to the higher own utility.
    state = replay(neg, step.transcript[:-1])
    assert target(neg, "fleet", state) == 80
    assert step.replies[0]["package"] == {"quota": "large", "inspection": "none"}
    step = negotiation.step(neg, "coastal", step.transcript, offer("large", "coastal"), 1)
    # t = 1/2: target 60; the closest to (large, coastal) at 60 or more is (large, coastal) itself (75): accepted.
    assert step.replies[0]["type"] == "accept"


def test_the_machine_accepts_an_offer_worth_what_it_would_propose():
    neg = negotiation.prepare(negotiation_doc())
    state = replay(neg, [{"role": "coastal", "by": "human", "type": "offer",
                          "package": {"quota": "large", "inspection": "none"}}])
    assert machine_move(neg, state, 0) == {"type": "accept"}
    assert proposal(neg, "fleet", state, 0).utilities[1] == 100


def test_on_the_last_turn_the_machine_accepts_anything_at_its_reservation_value():
    doc = negotiation_doc()
    doc["roles"][1]["counterpart"] = {"strategy": "tit_for_tat"}  # it never concedes against a human who does not
    neg = negotiation.prepare(doc)
    transcript = []
    low = {"quota": "small", "inspection": "shared"}  # 20 to the fleet: its reservation value
    for _ in range(3):
        step = negotiation.step(neg, "coastal", transcript, {"type": "offer", "package": low}, 0)
        transcript = step.transcript
    assert transcript[-1]["type"] == "accept"
    assert step.state["status"] == "agreement"
