"""Problems found in a document or in answers, and the exceptions that carry them.

A problem points at the offending value by its JSON path, written the way the
specs write it: `nodes[3].choices[1].next`, `answers.q9`, and "" for the
document (or answers) as a whole.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong, at one JSON path.

    `code` is short snake_case for machines (`unknown_node`, `required`, ...);
    `message` is for people and does not repeat the path.
    """

    path: str
    code: str
    message: str

    def as_dict(self) -> dict:
        """The API's error item: {"attr", "code", "detail"}; detail leads with the path."""
        detail = f"{self.path}: {self.message}" if self.path else self.message
        return {"attr": self.path, "code": self.code, "detail": detail}


class _ProblemsError(Exception):
    """An exception that lists every problem found, never just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("; ".join(p.as_dict()["detail"] for p in self.problems))


class InvalidDocument(_ProblemsError):
    """The exercise document breaks its format's validity rules."""


class InvalidAnswer(_ProblemsError):
    """A learner's path, move or answers (or a teacher's override) do not fit the exercise."""


def key_path(parent: str, key) -> str:
    """Path of a member of an object: `rubric` + `min_words` -> `rubric.min_words`."""
    return f"{parent}.{key}" if parent else str(key)


def index_path(parent: str, index: int) -> str:
    """Path of an array item: `nodes` + 3 -> `nodes[3]`."""
    return f"{parent}[{index}]"
