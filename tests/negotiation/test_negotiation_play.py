"""The move protocol (spec "Moves"): what a move may be, whose turn it is, when a session ends.

Every refusal is an InvalidAnswer pointing at the move's path, and leaves the
caller's transcript as it was.
"""
import copy

import pytest

from assessments import negotiation
from assessments.grading import InvalidAnswer

from .spec_example import SEED, negotiation_doc, spec_transcript

OPENING = {"type": "offer", "package": {"quota": "small", "inspection": "coastal"}}


def refusal(transcript, move, role="coastal", doc=None):
    before = copy.deepcopy(transcript)
    with pytest.raises(InvalidAnswer) as caught:
        negotiation.step(doc or negotiation_doc(), role, transcript, move, SEED)
    assert transcript == before  # nothing changed
    assert len(caught.value.problems) >= 1
    return caught.value.problems[0]


def test_the_worked_example_plays_as_the_spec_says():
    doc = negotiation_doc()
    transcript = []
    for entry in spec_transcript():
        if entry["role"] == "coastal":
            move = {k: v for k, v in entry.items() if k not in ("role", "by")}
            transcript = negotiation.step(doc, "coastal", transcript, move, SEED).transcript
    assert transcript == spec_transcript()


def test_an_ask_is_answered_and_keeps_the_turn():
    step = negotiation.step(negotiation_doc(), "coastal", [], {"type": "ask", "question": "fleet-needs"}, SEED)
    assert step.replies == [{"type": "answer", "question": "fleet-needs",
                             "text": "Catch. Our boats are paid for by the tonne; inspections we can live with."}]
    assert step.state["your_turn"] is True
    assert [q["id"] for q in step.state["questions_left"]] == ["fleet-timing"]


def test_an_offer_passes_the_turn_and_the_machine_answers_with_its_message():
    step = negotiation.step(negotiation_doc(), "coastal", [], OPENING, SEED)
    assert step.replies == [{"role": "fleet", "by": "machine", "type": "offer",
                             "package": {"quota": "large", "inspection": "none"},
                             "message": "Our boats cannot sail for less than a large quota."}]
    assert step.state["standing_offer"] == {"package": {"quota": "large", "inspection": "none"}, "your_utility": 0.0}
    assert step.state["round"] == 2


def test_a_package_is_stored_in_issue_order_whatever_order_it_was_sent_in():
    step = negotiation.step(negotiation_doc(), "coastal", [],
                            {"type": "offer", "package": {"inspection": "coastal", "quota": "small"}}, SEED)
    assert list(step.transcript[0]["package"]) == ["quota", "inspection"]


def test_when_the_machine_opens_begin_plays_its_first_move():
    doc = negotiation_doc()
    doc["opens"] = "fleet"
    step = negotiation.begin(doc, "coastal", SEED)
    assert [e["type"] for e in step.transcript] == ["offer"]
    assert step.state["your_turn"] is True
    assert negotiation.begin(negotiation_doc(), "coastal", SEED).transcript == []


def test_an_incomplete_package_is_refused_at_the_package():
    problem = refusal([], {"type": "offer", "package": {"quota": "small"}})
    assert (problem.path, problem.code) == ("move.package", "incomplete_package")


def test_an_unknown_option_is_refused_at_its_issue():
    problem = refusal([], {"type": "offer", "package": {"quota": "huge", "inspection": "none"}})
    assert (problem.path, problem.code) == ("move.package.quota", "unknown_option")


def test_an_unknown_issue_is_refused_at_its_key():
    problem = refusal([], {"type": "offer", "package": {"quota": "small", "inspection": "none", "tax": "x"}})
    assert (problem.path, problem.code) == ("move.package.tax", "unknown_issue")


def test_accepting_or_rejecting_with_no_offer_on_the_table_is_refused():
    assert refusal([], {"type": "accept"}).code == "no_offer"
    assert refusal([], {"type": "reject"}).path == "move.type"


def test_an_unknown_move_type_or_field_is_refused():
    assert (refusal([], {"type": "threaten"}).path) == "move.type"
    assert refusal([], {"type": "walk_away", "role": "fleet"}).path == "move.role"
    assert refusal([], {"type": "walk_away", "package": {}}).code == "unknown_field"
    assert refusal([], "accept").code == "wrong_type"


def test_the_other_roles_question_and_an_unknown_one_get_the_same_refusal():
    theirs = refusal([], {"type": "ask", "question": "coast-stocks"})
    unknown = refusal([], {"type": "ask", "question": "nothing-like-it"})
    assert (theirs.path, theirs.code, theirs.message) == (unknown.path, unknown.code, unknown.message)
    assert theirs.code == "unknown_question"


def test_a_question_is_asked_once():
    first = negotiation.step(negotiation_doc(), "coastal", [], {"type": "ask", "question": "fleet-needs"}, SEED)
    problem = refusal(first.transcript, {"type": "ask", "question": "fleet-needs"})
    assert (problem.path, problem.code) == ("move.question", "already_asked")


def test_a_move_out_of_turn_is_refused():
    problem = refusal([], {"type": "walk_away"}, role="fleet")
    assert problem.code == "not_your_turn"


def test_walking_away_ends_the_session_with_no_deal():
    step = negotiation.step(negotiation_doc(), "coastal", [], {"type": "walk_away"}, SEED)
    assert step.state["status"] == "walkaway"
    assert step.state["your_utility"] == 30.0  # the reservation value
    assert step.replies == []
    assert refusal(step.transcript, OPENING).code == "session_over"


def test_a_reject_passes_the_turn_without_an_offer():
    first = negotiation.step(negotiation_doc(), "coastal", [], OPENING, SEED)
    second = negotiation.step(negotiation_doc(), "coastal", first.transcript, {"type": "reject"}, SEED)
    assert second.transcript[-2]["type"] == "reject"
    assert second.replies[0]["type"] == "offer"  # the machine, with nothing to accept, offers


def test_the_session_ends_at_the_deadline_after_both_sides_have_had_every_round():
    doc = negotiation_doc()
    doc["roles"][1]["counterpart"] = {"strategy": "tit_for_tat"}
    transcript = []
    own_best = OPENING  # worth 0 to the fleet: never accepted, and the fleet never concedes
    for _ in range(3):
        step = negotiation.step(doc, "coastal", transcript, own_best, SEED)
        transcript = step.transcript
    assert len(transcript) == 6
    assert step.state["status"] == "deadline"
    assert step.state["deal"] is None


def test_a_tampered_transcript_is_refused_at_the_first_bad_entry():
    transcript = spec_transcript()[:3]
    transcript[2] = {**transcript[2], "role": "coastal"}
    problem = refusal(transcript, {"type": "reject"})
    assert (problem.path, problem.code) == ("transcript[2]", "not_your_turn")
    bad_by = spec_transcript()[:2]
    bad_by[1]["by"] = "robot"
    assert refusal(bad_by, {"type": "reject"}).path == "transcript[1].by"


def test_the_seed_must_be_a_whole_number():
    with pytest.raises(InvalidAnswer) as caught:
        negotiation.step(negotiation_doc(), "coastal", [], OPENING, "7")
    assert caught.value.problems[0].path == "seed"


def test_paired_play_applies_each_humans_move_and_the_machine_can_stand_in():
    doc = negotiation_doc()
    transcript, state = negotiation.apply_move(doc, [], OPENING, role="coastal")
    assert state.to_move == "fleet"
    # the fleet's player is idle: the machine moves for it, marked as the machine's.
    move = negotiation.counterpart_move(doc, transcript, SEED)
    transcript, state = negotiation.apply_move(doc, transcript, move, role="fleet", by="machine")
    assert [e["by"] for e in transcript] == ["human", "machine"]
    transcript, state = negotiation.apply_move(doc, transcript, {"type": "accept"}, role="coastal")
    assert state.status == "agreement"
    result = negotiation.score(doc, transcript)
    assert result["roles"]["fleet"]["machine_moves"] == 1


def test_a_step_is_deterministic():
    doc = negotiation_doc()
    assert negotiation.step(doc, "coastal", [], OPENING, 5) == negotiation.step(doc, "coastal", [], OPENING, 5)


def test_a_message_tied_to_a_package_is_said_only_with_an_offer_that_has_it():
    from assessments.negotiation.learner_views import message_for
    from cms.demo import load_negotiations

    river = negotiation.prepare(next(d for d in load_negotiations() if d["slug"] == "river-releases"))
    live = ("high", "summer", "live", "none")
    monthly = ("high", "summer", "monthly", "none")
    assert message_for(river, "downstream", "offer", live, first_offer=True)["id"] == "open"  # first in order
    assert message_for(river, "downstream", "offer", live, first_offer=False)["id"] == "live-data"
    assert message_for(river, "downstream", "offer", monthly, first_offer=False) is None
    assert message_for(river, "downstream", "accept", monthly, first_offer=False)["id"] == "done"


def test_the_open_message_comes_with_the_machines_first_offer_only():
    doc = negotiation_doc()
    doc["roles"][1]["counterpart"] = {"strategy": "tit_for_tat"}
    first = negotiation.step(doc, "coastal", [], OPENING, SEED)
    second = negotiation.step(doc, "coastal", first.transcript, OPENING, SEED)
    assert "message" in first.replies[0] and "message" not in second.replies[0]
