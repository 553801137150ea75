from assessments.errors import AssessmentError, Conflict, NotFound


class Forbidden(AssessmentError):
    status = 403
    type = "client_error"


__all__ = ["AssessmentError", "Conflict", "NotFound", "Forbidden"]
