"""JSON bodies for API v1: not nested too deep, and without NUL characters.

Nesting: Python's JSON decoder gives up near its recursion limit, and code
walking the data (this module's NUL check before it was made iterative, the
services, the engine) can hit that limit with far less. So a body nested
deeper than API_JSON_MAX_DEPTH arrays and objects is refused with a 400
before anything else reads it. Exercise documents need under ten levels.

NUL: PostgreSQL can store U+0000 neither in text nor in jsonb, so a body
holding one failed at the database after everything else had accepted it (a
500 on PostgreSQL, while SQLite stored it). It is refused here instead: a
400 in the error shape whose `attr` is the path of the value, such as
`answers.q2`.

The size of a body is limited before it is read, by api.middleware.
"""
from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError, ValidationError

NUL = "\x00"


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.API_JSON_MAX_DEPTH
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise too_deep(limit) from None
        if depth_over(data, limit):
            raise too_deep(limit)
        path = nul_path(data)
        if path is not None:
            raise ValidationError({path or "non_field_errors": ["Text may not contain NUL characters."]},
                                  code="null_characters_not_allowed")
        return data


def too_deep(limit: int) -> ParseError:
    return ParseError(f"JSON nested deeper than {limit} arrays and objects.", code="too_deeply_nested")


def depth_over(value, limit: int) -> bool:
    """True when arrays and objects nest more than `limit` deep (a bare [] or {} is depth 1).

    Iterative, so no input can reach the recursion limit."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def nul_path(value, path: str = "") -> str | None:
    """The path of the first string or key holding a NUL character, or None (depth first, in order)."""
    stack = [(value, path, "")]
    while stack:
        item, here, key = stack.pop()
        if NUL in key:
            return here.replace(NUL, "\\u0000")
        if isinstance(item, str):
            if NUL in item:
                return here
        elif isinstance(item, dict):
            stack.extend(reversed([(child, f"{here}.{k}" if here else str(k), str(k)) for k, child in item.items()]))
        elif isinstance(item, list):
            stack.extend(reversed([(child, f"{here}[{index}]", "") for index, child in enumerate(item)]))
    return None
