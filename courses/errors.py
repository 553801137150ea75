from assessments.errors import AssessmentError, Conflict


class NotFound(AssessmentError):
    """Also used for records the caller may not see, so ids cannot be probed."""

    status = 404
    type = "client_error"


class Forbidden(AssessmentError):
    status = 403
    type = "client_error"


__all__ = ["AssessmentError", "Conflict", "NotFound", "Forbidden"]
