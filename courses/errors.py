"""Domain errors of the courses app, on the services' one base (accounts/errors.py)."""
from accounts.errors import Conflict, Forbidden, NotFound, ServiceError


class CourseError(ServiceError):
    """A refused class, invitation, assignment or verification request (400)."""

__all__ = ["Conflict", "CourseError", "Forbidden", "NotFound", "ServiceError"]
