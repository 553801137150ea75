"""Quizzes (quiz-format.md): validation, answers and scoring per question type."""
import pytest

from assessments.grading import (
    ENGINE_VERSION,
    InvalidAnswer,
    check_answers,
    compute_bounds,
    document_kind,
    grade,
    validate_document,
)
from assessments.grading.scenario_answers import MAX_REPLY_CHARS

from .spec_example import problem_at, quiz_doc


def only_problem(doc):
    problems = validate_document(doc)
    assert len(problems) == 1, problems
    return problems[0]


def question_result(question_id, answer):
    """The result entry of one question answered alone."""
    result = grade(quiz_doc(), {"answers": {question_id: answer}})
    return next(q for q in result["questions"] if q["id"] == question_id)


def earned(question_id, answer):
    return question_result(question_id, answer)["earned"]


# --- validation ---------------------------------------------------------------------------

def test_the_spec_quiz_is_a_valid_quiz():
    assert document_kind(quiz_doc()) == "quiz"
    assert validate_document(quiz_doc()) == []


def test_a_quiz_has_no_bounds():
    assert compute_bounds(quiz_doc()) == {}


def test_duplicate_question_ids_are_reported():
    doc = quiz_doc()
    doc["questions"][3]["id"] = "q1"
    problem = only_problem(doc)
    assert (problem.path, problem.code) == ("questions[3].id", "duplicate_id")


def test_duplicate_option_ids_are_reported():
    doc = quiz_doc()
    doc["questions"][1]["options"][2]["id"] = "a"
    problem = problem_at(validate_document(doc), "questions[1].options[2].id")
    assert problem.code == "duplicate_id"


def test_correct_naming_an_unknown_option_is_reported():
    doc = quiz_doc()
    doc["questions"][1]["correct"] = ["a", "z"]
    problem = only_problem(doc)
    assert (problem.path, problem.code) == ("questions[1].correct[1]", "unknown_option")


@pytest.mark.parametrize("correct", [[], ["a", "b"]])
def test_a_single_question_needs_exactly_one_correct_option(correct):
    doc = quiz_doc()
    doc["questions"][0]["correct"] = correct
    assert only_problem(doc).path == "questions[0].correct"


@pytest.mark.parametrize("correct", [["s2", "s1"], ["s2", "s1", "s1"], ["s2", "s1", "s3", "s3"]])
def test_an_order_key_must_be_a_permutation_of_the_options(correct):
    doc = quiz_doc()
    doc["questions"][2]["correct"] = correct
    assert problem_at(validate_document(doc), "questions[2].correct")


@pytest.mark.parametrize("points", [0, -1, 100.5, True, "1"])
def test_points_outside_0_exclusive_to_100_are_reported(points):
    doc = quiz_doc()
    doc["questions"][0]["points"] = points
    assert only_problem(doc).path == "questions[0].points"


def test_points_of_100_are_valid():
    doc = quiz_doc()
    doc["questions"][0]["points"] = 100
    assert validate_document(doc) == []


def test_a_text_question_needs_accepted_answers():
    doc = quiz_doc()
    del doc["questions"][3]["accept"]
    assert only_problem(doc).path == "questions[3].accept"


def test_an_accepted_answer_without_words_is_reported():
    doc = quiz_doc()
    doc["questions"][3]["accept"].append("?!")
    assert only_problem(doc).path == "questions[3].accept[2]"


def test_an_unknown_question_type_is_reported():
    doc = quiz_doc()
    doc["questions"][0]["type"] = "essay"
    assert only_problem(doc).path == "questions[0].type"


def test_a_quiz_pass_threshold_outside_0_to_100_is_reported():
    doc = quiz_doc()
    doc["pass_threshold"] = 101
    assert only_problem(doc).path == "pass_threshold"


def test_a_quiz_needs_questions():
    doc = quiz_doc()
    doc["questions"] = []
    assert only_problem(doc).path == "questions"


# --- answers ------------------------------------------------------------------------------

def refusal(given):
    with pytest.raises(InvalidAnswer) as caught:
        check_answers(quiz_doc(), {"answers": given})
    return [(p.path, p.code) for p in caught.value.problems]


def test_the_spec_answers_are_accepted():
    answers = {"answers": {"q1": ["b"], "q2": ["a"], "q3": ["s2", "s1", "s3"], "q4": "BATNA"}}
    assert check_answers(quiz_doc(), answers) is None


def test_an_answer_to_an_unknown_question_is_refused():
    assert refusal({"q9": ["a"]}) == [("answers.q9", "unknown_question")]


def test_an_answer_naming_an_unknown_option_is_refused():
    assert refusal({"q2": ["a", "d"]}) == [("answers.q2[1]", "unknown_option")]


@pytest.mark.parametrize(("given", "path"), [
    ({"q1": "b"}, "answers.q1"),
    ({"q4": ["batna"]}, "answers.q4"),
    ({"q3": [1, 2]}, "answers.q3[0]"),
    ({"q4": None}, "answers.q4"),
])
def test_an_answer_of_the_wrong_type_is_refused(given, path):
    assert refusal(given)[0] == (path, "wrong_type")


def test_a_single_question_answered_with_two_options_is_refused():
    assert refusal({"q1": ["a", "b"]}) == [("answers.q1", "out_of_range")]


def test_an_option_given_twice_is_refused():
    assert refusal({"q2": ["a", "a"]}) == [("answers.q2[1]", "duplicate_id")]


def test_a_text_answer_over_the_reply_cap_is_refused():
    assert refusal({"q4": "w" * (MAX_REPLY_CHARS + 1)}) == [("answers.q4", "max_length")]


def test_a_stored_text_answer_over_the_cap_still_grades():
    assert earned("q4", "w" * (MAX_REPLY_CHARS + 1)) == 0


def test_answers_without_the_answers_object_are_refused():
    with pytest.raises(InvalidAnswer) as caught:
        check_answers(quiz_doc(), {"q1": ["b"]})
    assert caught.value.problems[0].path == "answers"


# --- scoring ------------------------------------------------------------------------------

def test_single_earns_all_for_the_correct_option():
    assert earned("q1", ["b"]) == 1.0


def test_single_earns_nothing_for_a_wrong_option():
    assert earned("q1", ["a"]) == 0.0


@pytest.mark.parametrize(("answer", "fraction"), [
    (["a", "c"], 1.0),
    (["a"], 0.5),
    (["a", "b", "c"], 0.5),
    (["a", "b"], 0.0),
    (["b"], 0.0),  # -1/2, floored at 0
    ([], 0.0),
])
def test_multiple_earns_right_minus_wrong_over_correct_floored_at_0(answer, fraction):
    assert earned("q2", answer) == fraction


@pytest.mark.parametrize(("answer", "fraction"), [
    (["s2", "s1", "s3"], 1.0),
    (["s3", "s1", "s2"], 0.0),
    (["s1", "s2", "s3"], 0.5),  # keeps s1 before s3, loses s2 before s1
    (["s2", "s3", "s1"], 0.5),  # keeps s2 before s1, loses s1 before s3
])
def test_order_earns_the_share_of_adjacent_pairs_kept_in_order(answer, fraction):
    assert earned("q3", answer) == fraction


def test_order_fractions_are_reported_to_4_decimals():
    doc = quiz_doc()
    doc["questions"][2]["options"].append({"id": "s4", "text": "Close"})
    doc["questions"][2]["correct"].append("s4")
    result = grade(doc, {"answers": {"q3": ["s2", "s4", "s1", "s3"]}})
    # pairs s2<s1 kept, s1<s3 kept, s3<s4 lost: 2/3
    assert result["questions"][2]["earned"] == 0.6667


@pytest.mark.parametrize("answer", ["BATNA", "  batna! ", "Bátna", "Best alternative to a negotiated agreement."])
def test_text_earns_all_when_it_normalises_to_an_accepted_answer(answer):
    assert earned("q4", answer) == 1.0


@pytest.mark.parametrize("answer", ["B.A.T.N.A", "the batna", "", "best alternative"])
def test_text_earns_nothing_unless_it_equals_an_accepted_answer(answer):
    assert earned("q4", answer) == 0.0


def test_the_quiz_result_lists_each_question_with_its_key():
    answers = {"answers": {"q1": ["b"], "q2": ["a"], "q3": ["s2", "s1", "s3"], "q4": "BATNA"}}
    result = grade(quiz_doc(), answers)
    # earned 1 + 0.5 * 2 + 1 + 1 = 4 of 5 points
    assert {k: result[k] for k in ("engine", "engine_version", "overall", "passed")} == {
        "engine": "quiz/1", "engine_version": ENGINE_VERSION, "overall": 80.0, "passed": True}
    assert result["questions"][0] == {"id": "q1", "earned": 1.0, "points": 1, "correct": ["b"],
                                      "feedback": "Open questions invite the other side to talk."}
    assert result["questions"][3]["correct"] == ["best alternative to a negotiated agreement", "batna"]


def test_a_missing_answer_scores_zero():
    result = grade(quiz_doc(), {"answers": {"q1": ["b"]}})
    assert [q["earned"] for q in result["questions"]] == [1.0, 0.0, 0.0, 0.0]
    assert (result["overall"], result["passed"]) == (20.0, False)


def test_the_quiz_score_rounds_half_up():
    doc = quiz_doc()
    doc["questions"] = [dict(doc["questions"][0], id=f"q{i}") for i in range(16)]
    # one point of 16: 6.25, which Python's round() would make 6.2
    assert grade(doc, {"answers": {"q0": ["b"]}})["overall"] == 6.3


def test_a_quiz_takes_no_overrides():
    with pytest.raises(InvalidAnswer):
        grade(quiz_doc(), {"answers": {}}, overrides={"q1": {"met": []}})
