"""Which paths and moves a scenario accepts (scenario-format.md, "Answers")."""
import pytest

from assessments.grading import InvalidAnswer, advance, check_answers, grade
from assessments.grading.scenario_answers import MAX_REPLY_CHARS

from .spec_example import scenario_doc, spec_answers


def refusal(answers, doc=None):
    """[(path, code)] of the problems check_answers raises for `answers`."""
    with pytest.raises(InvalidAnswer) as caught:
        check_answers(doc or scenario_doc(), answers)
    return [(p.path, p.code) for p in caught.value.problems]


def with_reply(reply, min_words=5, max_words=120):
    doc = scenario_doc()
    doc["nodes"][1]["rubric"].update(min_words=min_words, max_words=max_words)
    answers = spec_answers()
    answers["steps"][1]["reply"] = reply
    return doc, answers


def test_the_spec_path_is_accepted():
    assert check_answers(scenario_doc(), spec_answers()) is None


def test_a_path_not_beginning_at_start_is_refused():
    answers = {"steps": [{"node": "reply1", "reply": "farmers need water before the harvest"},
                         {"node": "end_good"}]}
    assert refusal(answers) == [("steps[0].node", "invalid_move")]


def test_a_path_that_skips_a_node_is_refused():
    answers = {"steps": [{"node": "open", "choice": "ask"}, {"node": "end_good"}]}
    assert refusal(answers) == [("steps[1].node", "invalid_move")]


def test_a_step_naming_no_node_is_refused():
    answers = spec_answers()
    answers["steps"][2]["node"] = "end_great"
    assert refusal(answers) == [("steps[2].node", "invalid_move")]


def problems_as_sent(answers, doc=None):
    """The refusal's items exactly as the API would send them."""
    with pytest.raises(InvalidAnswer) as caught:
        check_answers(doc or scenario_doc(), answers)
    return [p.as_dict() for p in caught.value.problems]


@pytest.mark.parametrize("position", [0, 1, 2])
def test_an_unknown_id_a_node_elsewhere_and_an_outcome_not_next_are_refused_alike(position):
    # At step 1 the next node is reply1: "end_good" (an outcome further on), "end_bad" (an
    # outcome elsewhere), "open" (a choice node) and "lobby" (no node) must be indistinguishable.
    refusals = []
    for wrong in ("lobby", "end_good", "end_bad", "open", "reply1"):
        answers = spec_answers()
        if answers["steps"][position]["node"] == wrong:
            continue
        answers["steps"][position]["node"] = wrong
        refusals.append(problems_as_sent(answers))
    assert len(refusals) >= 4
    assert all(r == refusals[0] for r in refusals)
    assert [e["attr"] for e in refusals[0]] == [f"steps[{position}].node"]


def test_a_refusal_never_names_the_node_a_step_should_have_named():
    answers = {"steps": [{"node": "open", "choice": "ask"}, {"node": "end_good"}]}
    detail = problems_as_sent(answers)[0]["detail"]
    for hidden in ("reply1", "reply", "min_words", "5", "120", "end_good", "outcome"):
        assert hidden not in detail


def test_nothing_after_an_invalid_reply_is_checked():
    # Were the next step checked, a right guess and a wrong one would be told apart.
    doc, right_next = with_reply("too short")
    _, wrong_next = with_reply("too short")
    wrong_next["steps"][2]["node"] = "end_bad"
    assert problems_as_sent(right_next, doc) == problems_as_sent(wrong_next, doc)
    assert refusal(right_next, doc) == [("steps[1].reply", "too_short")]


def test_nothing_after_an_unknown_choice_is_checked():
    right_next = spec_answers()
    right_next["steps"][0]["choice"] = "flatter"
    wrong_next = spec_answers()
    wrong_next["steps"][0]["choice"] = "flatter"
    wrong_next["steps"][1]["node"] = "lobby"
    assert problems_as_sent(right_next) == problems_as_sent(wrong_next)


def test_a_reply_at_a_reached_reply_node_may_tell_its_word_limits():
    doc, answers = with_reply("too short")
    assert "at least 5" in problems_as_sent(answers, doc)[0]["detail"]


def test_an_unknown_choice_is_refused():
    answers = spec_answers()
    answers["steps"][0]["choice"] = "flatter"
    assert refusal(answers) == [("steps[0].choice", "unknown_choice")]


def test_a_choice_step_without_a_choice_is_refused():
    answers = spec_answers()
    del answers["steps"][0]["choice"]
    assert refusal(answers) == [("steps[0].choice", "required")]


def test_a_reply_at_a_choice_node_is_refused():
    answers = spec_answers()
    answers["steps"][0]["reply"] = "I would rather talk."
    assert refusal(answers) == [("steps[0].reply", "not_allowed")]


def test_a_reply_that_is_not_a_string_is_refused():
    answers = spec_answers()
    answers["steps"][1]["reply"] = ["farmers", "harvest"]
    assert refusal(answers) == [("steps[1].reply", "wrong_type")]


def test_a_reply_one_word_under_the_minimum_is_refused():
    doc, answers = with_reply("one two three four")
    assert refusal(answers, doc) == [("steps[1].reply", "too_short")]


def test_a_reply_of_exactly_the_minimum_is_accepted():
    doc, answers = with_reply("one two three four five")
    assert check_answers(doc, answers) is None


def test_a_reply_of_exactly_the_maximum_is_accepted():
    doc, answers = with_reply(" ".join(["word"] * 8), min_words=1, max_words=8)
    assert check_answers(doc, answers) is None


def test_a_reply_one_word_over_the_maximum_is_refused():
    doc, answers = with_reply(" ".join(["word"] * 9), min_words=1, max_words=8)
    assert refusal(answers, doc) == [("steps[1].reply", "too_long")]


def test_words_are_counted_as_normalised_tokens():
    # "well-being" and "don't" are two tokens each; the dashes and dots are none.
    doc, answers = with_reply("well-being -- don't ...", min_words=4, max_words=4)
    assert check_answers(doc, answers) is None


def test_a_path_that_stops_before_an_outcome_is_refused():
    answers = spec_answers()
    answers["steps"].pop()
    assert refusal(answers) == [("steps", "incomplete")]


def test_a_path_that_goes_on_after_its_outcome_is_refused():
    answers = spec_answers()
    answers["steps"].append({"node": "end_bad"})
    assert refusal(answers) == [("steps[3]", "not_allowed")]


def test_a_move_at_the_outcome_step_is_refused():
    answers = spec_answers()
    answers["steps"][2]["choice"] = "again"
    assert refusal(answers) == [("steps[2].choice", "not_allowed")]


def test_only_the_first_invalid_step_is_refused():
    doc, answers = with_reply("too short")
    answers["steps"].pop()
    assert refusal(answers, doc) == [("steps[1].reply", "too_short")]


def test_every_problem_of_the_first_invalid_step_is_listed():
    answers = spec_answers()
    answers["steps"][1]["choice"] = "ask"
    answers["steps"][1]["reply"] = "ok"
    assert refusal(answers) == [("steps[1].choice", "not_allowed"), ("steps[1].reply", "too_short")]


# --- the shape of each step, whatever the graph ------------------------------------------

def test_an_unknown_key_in_a_step_is_refused_at_its_path():
    answers = spec_answers()
    answers["steps"][1]["note"] = "my own notes"
    assert refusal(answers) == [("steps[1].note", "unknown_field")]


def test_unknown_keys_are_refused_in_every_step_before_the_path_is_walked():
    answers = {"steps": [{"node": "lobby", "x": 1}, {"node": "end_good", "y": 2}]}
    assert refusal(answers) == [("steps[0].x", "unknown_field"), ("steps[1].y", "unknown_field")]


def test_a_reply_over_the_character_cap_is_refused_at_its_path():
    doc, answers = with_reply("w" * (MAX_REPLY_CHARS + 1), min_words=1, max_words=500)
    assert refusal(answers, doc) == [("steps[1].reply", "max_length")]


def test_a_reply_of_exactly_the_character_cap_is_accepted():
    doc, answers = with_reply("w" * MAX_REPLY_CHARS, min_words=1, max_words=500)
    assert check_answers(doc, answers) is None


def test_a_stored_path_with_other_fields_still_grades():
    # Attempts stored before unknown keys were refused must not stop grading or regrading.
    answers = spec_answers()
    answers["steps"][0]["note"] = "kept from an older submission"
    answers["steps"][1]["reply"] += " w" * MAX_REPLY_CHARS
    doc = scenario_doc()
    doc["nodes"][1]["rubric"]["max_words"] = MAX_REPLY_CHARS + 100
    assert grade(doc, answers)["steps"][0]["node"] == "open"


@pytest.mark.parametrize(("answers", "path"), [
    (None, ""), ([], ""), ({}, "steps"), ({"steps": {}}, "steps"), ({"steps": []}, "steps"),
    ({"steps": [None]}, "steps[0]"), ({"steps": [{"node": 3}]}, "steps[0].node"),
    ({"steps": [{"node": "open", "choice": 3}]}, "steps[0].choice"),
])
def test_malformed_answers_are_refused_at_their_path(answers, path):
    assert [p for p, _ in refusal(answers)] == [path]


def test_grade_refuses_what_check_answers_refuses():
    answers = {"steps": [{"node": "open", "choice": "ask"}, {"node": "end_good"}]}
    with pytest.raises(InvalidAnswer):
        grade(scenario_doc(), answers)


# --- advance, one move at a time ----------------------------------------------------------

def advance_refusal(node_id, move, doc=None):
    with pytest.raises(InvalidAnswer) as caught:
        advance(doc or scenario_doc(), node_id, move)
    return [(p.path, p.code) for p in caught.value.problems]


def test_advance_follows_a_choice():
    assert advance(scenario_doc(), "open", {"choice": "ask"}) == "reply1"


def test_advance_follows_a_reply():
    assert advance(scenario_doc(), "reply1", {"reply": "farmers need water before the harvest"}) == "end_good"


def test_advance_refuses_an_unknown_choice():
    assert advance_refusal("open", {"choice": "flatter"}) == [("choice", "unknown_choice")]


def test_advance_refuses_a_reply_to_a_choice_node():
    assert advance_refusal("open", {"reply": "Let us talk about water."}) == [
        ("reply", "not_allowed"), ("choice", "required")]


def test_advance_refuses_a_choice_at_a_reply_node():
    assert ("choice", "not_allowed") in advance_refusal("reply1", {"choice": "ask"})


def test_advance_refuses_a_reply_under_the_word_limit():
    assert advance_refusal("reply1", {"reply": "OK."}) == [("reply", "too_short")]


def test_advance_refuses_a_reply_over_the_word_limit():
    assert advance_refusal("reply1", {"reply": "water " * 121}) == [("reply", "too_long")]


def test_advance_refuses_any_move_at_an_outcome():
    assert advance_refusal("end_good", {"choice": "ask"}) == [("choice", "not_allowed")]
    assert advance_refusal("end_good", {"reply": "more"}) == [("reply", "not_allowed")]


def test_advance_refuses_an_unknown_node():
    assert advance_refusal("lobby", {"choice": "ask"}) == [("node", "unknown_node")]


def test_advance_refuses_an_unknown_key():
    assert advance_refusal("open", {"choice": "ask", "note": "mine"}) == [("note", "unknown_field")]


def test_advance_refuses_a_reply_over_the_character_cap():
    assert advance_refusal("reply1", {"reply": "w" * (MAX_REPLY_CHARS + 1)}) == [("reply", "max_length")]
