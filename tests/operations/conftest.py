import io
import json
import logging

import pytest
import structlog

from config.logs import formatters


class JsonLines:
    """What the production formatter (LOG_FORMAT=json) wrote during the test, one dict per line."""

    def __init__(self, stream: io.StringIO):
        self.stream = stream

    def text(self) -> str:
        return self.stream.getvalue()

    def lines(self) -> list[dict]:
        return [json.loads(line) for line in self.text().splitlines() if line.strip()]

    def events(self, event: str) -> list[dict]:
        return [line for line in self.lines() if line.get("event") == event]


@pytest.fixture
def json_logs():
    options = {key: value for key, value in formatters()["json"].items() if key != "()"}
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(structlog.stdlib.ProcessorFormatter(**options))
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield JsonLines(stream)
    finally:
        root.removeHandler(handler)
