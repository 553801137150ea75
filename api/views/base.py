import re

from rest_framework.exceptions import NotFound

# Row ids are 64-bit on PostgreSQL and SQLite. A larger number never names a row, and reaching
# the database with one fails there (SQLite cannot bind it; some lookups overflow on PostgreSQL).
MAX_ID = 2**63 - 1
_ID = re.compile(r"[0-9]{1,19}")


def validated(serializer_class, data) -> dict:
    """Validate a request body; DRF's ValidationError becomes a 400 in the error shape."""
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def int_or_404(value) -> int:
    """A path's id: ASCII digits naming a possible row (1 to 2^63 - 1), else the JSON 404.

    Signs, spaces, other scripts' digits ("٣" is 3 to int()) and out-of-range
    numbers are refused here, before any query, as an unknown id would be.
    """
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if not isinstance(text, str) or not _ID.fullmatch(text):
        raise NotFound()
    number = int(text)
    if not 1 <= number <= MAX_ID:
        raise NotFound()
    return number
