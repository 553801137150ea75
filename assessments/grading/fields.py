"""Type and range checks on untrusted JSON, shared by the document validators.

Every check records a Problem instead of raising, so one pass over a document
lists everything wrong with it. A check hands back the value only when it is
usable (present, of the right type, in range) and None otherwise, so callers
can go on checking what depends on it without tripping over garbage.
"""
import math

from .problems import Problem, key_path


def is_number(value) -> bool:
    """A finite JSON number. Booleans are not numbers here, although Python says they are ints."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, float) and math.isfinite(value)


def format_number(value) -> str:
    """10 rather than 10.0 in messages, as the author wrote it."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class Checker:
    """Collects problems while reading one document."""

    def __init__(self):
        self.problems: list[Problem] = []

    def report(self, path: str, code: str, message: str) -> None:
        self.problems.append(Problem(path, code, message))

    def _present(self, obj: dict, key: str, path: str, required: bool) -> bool:
        if key in obj and obj[key] is not None:
            return True
        if required:
            self.report(path, "required", "is required")
        return False

    def string(self, obj: dict, key: str, parent: str, *, required=True, non_empty=False):
        """A string member; with non_empty, blank strings are refused too (ids, slugs, titles)."""
        path = key_path(parent, key)
        if not self._present(obj, key, path, required):
            return None
        value = obj[key]
        if not isinstance(value, str):
            self.report(path, "wrong_type", "must be a string")
            return None
        if non_empty and not value.strip():
            self.report(path, "required", "must not be empty")
            return None
        return value

    def boolean(self, obj: dict, key: str, parent: str, *, required=True):
        path = key_path(parent, key)
        if not self._present(obj, key, path, required):
            return None
        if not isinstance(obj[key], bool):
            self.report(path, "wrong_type", "must be true or false")
            return None
        return obj[key]

    def number_value(self, value, path: str, low, high, *, low_open=False):
        """Check a value already taken out of its container: a number in [low, high].

        With low_open the range is (low, high]. Returns the number or None.
        """
        if not is_number(value):
            self.report(path, "wrong_type", "must be a number")
            return None
        too_low = value <= low if low_open else value < low
        if too_low or value > high:
            if low_open:
                span = f"greater than {format_number(low)} and at most {format_number(high)}"
            else:
                span = f"between {format_number(low)} and {format_number(high)}"
            self.report(path, "out_of_range", f"must be {span}")
            return None
        return value

    def number(self, obj: dict, key: str, parent: str, low, high, *, required=True, low_open=False):
        path = key_path(parent, key)
        if not self._present(obj, key, path, required):
            return None
        return self.number_value(obj[key], path, low, high, low_open=low_open)

    def integer(self, obj: dict, key: str, parent: str, low: int, *, required=True):
        """A whole number (a JSON integer, not 5.0) of at least `low`."""
        path = key_path(parent, key)
        if not self._present(obj, key, path, required):
            return None
        value = obj[key]
        if isinstance(value, bool) or not isinstance(value, int):
            self.report(path, "wrong_type", "must be a whole number")
            return None
        if value < low:
            self.report(path, "out_of_range", f"must be at least {low}")
            return None
        return value

    def array(self, obj: dict, key: str, parent: str, *, required=True, non_empty=False):
        path = key_path(parent, key)
        if not self._present(obj, key, path, required):
            return None
        value = obj[key]
        if not isinstance(value, list):
            self.report(path, "wrong_type", "must be an array")
            return None
        if non_empty and not value:
            self.report(path, "required", "must not be empty")
            return None
        return value

    def mapping(self, obj: dict, key: str, parent: str, *, required=True):
        path = key_path(parent, key)
        if not self._present(obj, key, path, required):
            return None
        return self.object_value(obj[key], path)

    def object_value(self, value, path: str):
        """Check a value already taken out of its container is a JSON object."""
        if not isinstance(value, dict):
            self.report(path, "wrong_type", "must be an object")
            return None
        return value

    def unique(self, seen: set, value, path: str, what: str) -> None:
        """Report the second and later uses of an id within one scope."""
        if value is None:
            return
        if value in seen:
            self.report(path, "duplicate_id", f'duplicate {what} "{value}"')
        seen.add(value)
