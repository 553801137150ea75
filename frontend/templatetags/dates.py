"""The one way the site writes a date: `{{ value|day }}` ("2 December 2026") and `{{ value|day_time }}`
("2 December 2026, 14:05"), in the interface language's own format (Django's localised DATE_FORMAT and
TIME_FORMAT; English ones in config/formats/en) and the site's time zone. Machines get ISO 8601 (`|date:'c'`
in a <time datetime>, and the CSV)."""
import datetime

from django import template
from django.utils import formats, timezone

register = template.Library()


def _local(value):
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


@register.filter
def day(value) -> str:
    if not value:
        return ""
    return formats.date_format(_local(value), "DATE_FORMAT")


@register.filter
def day_time(value) -> str:
    if not value:
        return ""
    local = _local(value)
    if not isinstance(local, datetime.datetime):
        return day(local)
    return f"{formats.date_format(local, 'DATE_FORMAT')}, {formats.time_format(local, 'TIME_FORMAT')}"
