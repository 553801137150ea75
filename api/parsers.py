"""JSON bodies for API v1, refusing NUL characters.

PostgreSQL can store U+0000 neither in text nor in jsonb, so a body holding
one failed at the database after everything else had accepted it (a 500 on
PostgreSQL, while SQLite stored it). It is refused here instead: a 400 in the
error shape whose `attr` is the path of the value, such as `answers.q2`.
"""
from rest_framework import parsers
from rest_framework.exceptions import ValidationError

NUL = "\x00"


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        path = nul_path(data)
        if path is not None:
            raise ValidationError({path or "non_field_errors": ["Text may not contain NUL characters."]},
                                  code="null_characters_not_allowed")
        return data


def nul_path(value, path: str = "") -> str | None:
    """The path of the first string or key holding a NUL character, or None."""
    if isinstance(value, str):
        return path if NUL in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            here = f"{path}.{key}" if path else str(key)
            if NUL in str(key):
                return here.replace(NUL, "\\u0000")
            found = nul_path(item, here)
            if found is not None:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = nul_path(item, f"{path}[{index}]")
            if found is not None:
                return found
    return None
