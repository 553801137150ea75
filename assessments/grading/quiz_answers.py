"""Checking a learner's quiz answers before anything is stored."""
from .problems import InvalidAnswer, Problem, index_path, key_path
from .scenario_answers import MAX_REPLY_CHARS


def quiz_answer_problems(doc: dict, answers) -> list[Problem]:
    """Every problem of {"answers": {question id: answer}} against a normalised quiz.

    Choice questions (single, multiple, order) take a list of distinct option
    ids, a single question at most one; text questions take a string. Unknown
    questions and options are refused; unanswered questions are fine (they
    score 0), and so is an empty list.
    """
    if not isinstance(answers, dict):
        return [Problem("", "wrong_type", 'the answers must be an object with "answers"')]
    given = answers.get("answers")
    if given is None:
        return [Problem("answers", "required", "is required")]
    if not isinstance(given, dict):
        return [Problem("answers", "wrong_type", "must be an object keyed by question id")]
    questions = {question["id"]: question for question in doc["questions"]}
    problems = []
    for question_id, answer in given.items():
        path = key_path("answers", question_id)
        question = questions.get(question_id)
        if question is None:
            problems.append(Problem(path, "unknown_question", f'unknown question "{question_id}"'))
        elif question["type"] == "text":
            if not isinstance(answer, str):
                problems.append(Problem(path, "wrong_type", "must be a string"))
        else:
            problems += _choice_problems(question, answer, path)
    return problems


def _choice_problems(question: dict, answer, path: str) -> list[Problem]:
    if not isinstance(answer, list):
        return [Problem(path, "wrong_type", "must be an array of option ids")]
    options = {option["id"] for option in question["options"]}
    problems, seen = [], set()
    for k, option_id in enumerate(answer):
        opath = index_path(path, k)
        if not isinstance(option_id, str):
            problems.append(Problem(opath, "wrong_type", "must be an option id"))
        elif option_id not in options:
            problems.append(Problem(opath, "unknown_option", f'unknown option "{option_id}"'))
        elif option_id in seen:
            problems.append(Problem(opath, "duplicate_id", f'option "{option_id}" is given twice'))
        else:
            seen.add(option_id)
    if question["type"] == "single" and len(answer) > 1:
        problems.append(Problem(path, "out_of_range", "a single-choice question takes one option"))
    return problems


def check_quiz_answers(doc: dict, answers) -> None:
    """Raise InvalidAnswer with every problem of submitted answers (normalised doc).

    Text answers are held to the reply cap too; grading leaves it out, so
    answers stored before the cap still grade.
    """
    problems = quiz_answer_problems(doc, answers)
    if not problems:
        for question_id, answer in answers["answers"].items():
            if isinstance(answer, str) and len(answer) > MAX_REPLY_CHARS:
                problems.append(Problem(key_path("answers", question_id), "max_length",
                                        f"an answer has at most {MAX_REPLY_CHARS} characters"))
    if problems:
        raise InvalidAnswer(problems)
