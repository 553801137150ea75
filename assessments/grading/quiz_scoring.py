"""Scoring quiz answers: the quiz spec's rule per question type, and its result."""
from itertools import pairwise

from .problems import InvalidAnswer
from .quiz_answers import quiz_answer_problems
from .rounding import round_half_up
from .text import word_tokens
from .versions import ENGINE_VERSION, QUIZ_FORMAT


def question_fraction(question: dict, answer) -> float:
    """The share of the question's points an answer earns, in [0, 1]; None (unanswered) earns 0.

    The answer must already have passed the answer checks.
    """
    if answer is None:
        return 0.0
    kind = question["type"]
    if kind == "text":
        # Accepted answers have words (validation); an empty answer matches none.
        tokens = word_tokens(answer)
        return 1.0 if any(tokens == word_tokens(accepted) for accepted in question["accept"]) else 0.0
    correct = question["correct"]
    if kind == "single":
        return 1.0 if answer == correct else 0.0
    if kind == "multiple":
        right = sum(1 for option in answer if option in correct)
        wrong = len(answer) - right
        return max(0.0, (right - wrong) / len(correct))
    # order: of the n - 1 adjacent pairs of the correct order, the share whose
    # first member comes (anywhere) before the second in the answer.
    position = {option: k for k, option in enumerate(answer)}
    pairs = list(pairwise(correct))
    kept = sum(1 for a, b in pairs if a in position and b in position and position[a] < position[b])
    return kept / len(pairs)


def grade_quiz(doc: dict, answers) -> dict:
    """The result document of answers to a normalised quiz; InvalidAnswer if they do not fit.

    Score = 100 x earned points / total points. Per question: the fraction
    earned (4 decimals), its points, its feedback, and what was correct
    (option ids, or the accepted answers of a text question).
    """
    problems = quiz_answer_problems(doc, answers)
    if problems:
        raise InvalidAnswer(problems)
    given = answers["answers"]
    earned = total = 0.0
    questions = []
    for question in doc["questions"]:
        fraction = question_fraction(question, given.get(question["id"]))
        earned += fraction * question["points"]
        total += question["points"]
        questions.append({
            "id": question["id"],
            "earned": round_half_up(fraction, 4),
            "points": question["points"],
            "feedback": question["feedback"],
            "correct": list(question["accept"] if question["type"] == "text" else question["correct"]),
        })
    # Total > 0: a quiz has questions and every question has points > 0.
    score = min(100.0, 100.0 * earned / total)
    return {
        "engine": QUIZ_FORMAT,
        "engine_version": ENGINE_VERSION,
        "overall": round_half_up(score),
        "passed": score >= doc["pass_threshold"],
        "questions": questions,
    }
