"""Domain errors of the assessments app, on the services' one base (accounts/errors.py)."""
from accounts.errors import Conflict, Forbidden, NotFound, ServiceError


class AssessmentError(ServiceError):
    """A refused exercise, attempt or grading request (400): an exercise document or answers
    that do not hold, a reason missing."""


def problems_to_errors(problems) -> list[dict]:
    return [p.as_dict() for p in problems]


__all__ = ["AssessmentError", "Conflict", "Forbidden", "NotFound", "ServiceError", "problems_to_errors"]
