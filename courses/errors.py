"""Domain errors of the courses app, on the services' one base (accounts/errors.py)."""
from accounts.errors import Conflict, Forbidden, NotFound, ServiceError


class CourseError(ServiceError):
    """A refused class, invitation, assignment or verification request (400)."""


# Until every module says CourseError: the name courses' services raised before the one base.
AssessmentError = CourseError

__all__ = ["AssessmentError", "Conflict", "CourseError", "Forbidden", "NotFound", "ServiceError"]
