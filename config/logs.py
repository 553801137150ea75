"""Log lines: one JSON object per line on stderr (production), or readable lines (LOG_FORMAT=console).

Every line, whether it comes from structlog (django-structlog's request and task lines) or from a
plain `logging` logger (ours, Django's, Celery's), goes through one formatter, which adds what the
context holds: `request_id` in a web request, `task_id` and the publishing request's `request_id`
in a worker (django-structlog carries it in the task's headers; config/celery.py). Imported by the
settings, so it imports nothing of Django.

Secrets stay out: values of keys that name a password, token, secret, cookie or authorization are
replaced, and the request line of a log is built from the route, with the values of path parts
that are credentials (a password reset or verification link's token) replaced (config/request_log.py).
"""
import re

import structlog

FORMATS = ("json", "console")
REDACTED = "[redacted]"
SECRET_KEYS = re.compile(r"password|passwd|token|secret|cookie|authorization|api_?key", re.IGNORECASE)

# What every line gets, from structlog or from the standard library.
SHARED_PROCESSORS = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_logger_name,
    structlog.stdlib.add_log_level,
    structlog.processors.TimeStamper(fmt="iso", utc=True, key="timestamp"),
]


def redact_secrets(_logger, _method, event_dict: dict) -> dict:
    """A belt to the request line's braces: a key that names a credential never shows its value."""
    for key in event_dict:
        if key != "event" and SECRET_KEYS.search(key):
            event_dict[key] = REDACTED
    return event_dict


def drop_unsafe_extras(_logger, _method, event_dict: dict) -> dict:
    """Celery hands each task's arguments to its log lines as `data` (a mail task's are an address and
    a link with a token in it), and Django its request object with the whole URL: names and paths are
    in the message already."""
    logger = str(event_dict.get("logger", ""))
    if logger.startswith("celery"):
        event_dict.pop("data", None)
    elif logger == "django.request":
        event_dict.pop("request", None)
    return event_dict


def formatters() -> dict:
    """`formatters` of settings.LOGGING: one per LOG_FORMAT."""
    def formatter(renderer) -> dict:
        return {
            "()": structlog.stdlib.ProcessorFormatter,
            "processors": [
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                drop_unsafe_extras,
                redact_secrets,
                structlog.processors.format_exc_info,
                renderer,
            ],
            "foreign_pre_chain": [*SHARED_PROCESSORS, structlog.stdlib.ExtraAdder()],
        }

    return {
        "json": formatter(structlog.processors.JSONRenderer(sort_keys=False)),
        "console": formatter(structlog.dev.ConsoleRenderer(colors=False)),
    }


def configure_structlog() -> None:
    """structlog's loggers hand their events to the standard library, whose handler (settings.LOGGING)
    formats them like every other line."""
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *SHARED_PROCESSORS,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.processors.StackInfoRenderer(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
