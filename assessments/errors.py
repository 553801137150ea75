"""Domain errors of the assessments app; the API turns them into its error shape."""


class AssessmentError(Exception):
    """A refused request. `errors` are dicts with code, detail and attr."""

    status = 400
    type = "validation_error"

    def __init__(self, errors: list[dict]):
        super().__init__("; ".join(e["detail"] for e in errors))
        self.errors = errors

    @classmethod
    def single(cls, code: str, detail: str, attr: str | None = None):
        return cls([{"code": code, "detail": detail, "attr": attr}])


class Conflict(AssessmentError):
    status = 409
    type = "client_error"


class NotFound(AssessmentError):
    """Also used for records the caller may not see, so ids cannot be probed."""

    status = 404
    type = "client_error"


def problems_to_errors(problems) -> list[dict]:
    return [p.as_dict() for p in problems]
