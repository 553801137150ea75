"""The one error base of every app's services, in the lowest layer so that all may raise it.

A refused service call raises a ServiceError carrying its errors as the API shows them
(dicts with code, detail and attr) and the HTTP status it means. It is translated in two
places only: api/errors.py for the API's error shape, frontend/access.py `error_text` for a page.
"""


class ServiceError(Exception):
    """A refused request; nothing was changed. `errors` are dicts with code, detail and attr."""

    status = 400
    type = "validation_error"

    def __init__(self, errors: list[dict]):
        super().__init__("; ".join(e["detail"] for e in errors))
        self.errors = errors

    @classmethod
    def single(cls, code: str, detail: str, attr: str | None = None):
        return cls([{"code": code, "detail": detail, "attr": attr}])

    @property
    def code(self) -> str:
        return self.errors[0]["code"]

    @property
    def attr(self) -> str | None:
        return self.errors[0]["attr"]

    @property
    def detail(self) -> str:
        return self.errors[0]["detail"]


class Conflict(ServiceError):
    status = 409
    type = "client_error"


class NotFound(ServiceError):
    """Also used for records the caller may not see, so ids cannot be probed."""

    status = 404
    type = "client_error"


class Forbidden(ServiceError):
    status = 403
    type = "client_error"


class AccountError(ServiceError):
    """A refused account change (registration, password, address, deletion): one field's error."""

    def __init__(self, attr: str | None, code: str, detail: str):
        super().__init__([{"code": code, "detail": detail, "attr": attr}])
