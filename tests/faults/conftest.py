"""Fault tests: a real worker, broker and database, and something breaking.

CI runs each at a small size. `make faults` sets PARLEY_FAULTS=1 and runs
them at full size, including those too slow for CI (marked `full_size_only`);
PARLEY_FAULT_BATCH sets the batch of the worker-kill test (500 there).
Each test reports what it measured; the figures are printed at the end of
the run and go into docs/reliability.md.
"""
import json
import os
import select
import socket
import threading
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connection

from ..integration.conftest import real_broker, restore_wagtail_base_rows  # noqa: F401 - fixtures for this package
from ..lrs import ralph  # noqa: F401 - a real LRS (Ralph) for test_lrs_outage.py
from ..workers import free_port

FULL = os.environ.get("PARLEY_FAULTS", "").lower() in ("1", "true", "yes")
full_size_only = pytest.mark.skipif(not FULL, reason="full-size fault test: run `make faults` (PARLEY_FAULTS=1)")

_figures: list[dict] = []


def record_figures(test: str, **figures) -> None:
    """Keep what a fault test measured, for the summary and docs/reliability.md."""
    _figures.append({"test": test, **figures})


def pytest_terminal_summary(terminalreporter):
    if not _figures:
        return
    terminalreporter.section("fault figures")
    for row in _figures:
        terminalreporter.write_line(json.dumps(row))


def on_postgres() -> bool:
    return connection.vendor == "postgresql"


def uses_file_broker() -> bool:
    return settings.CELERY_BROKER_URL.startswith("filesystem")


class TcpProxy:
    """Forwards a local port to the broker; stopping it makes the broker unreachable
    at that address (connection refused), starting it again brings it back."""

    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.port = free_port()
        self._server = None
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()

    def start(self):
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", self.port))
        server.listen(64)
        self._server = server
        threading.Thread(target=self._accept, args=(server,), daemon=True).start()

    def stop(self):
        server, self._server = self._server, None
        if server is not None:
            server.close()
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def _accept(self, server):
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets += [client, upstream]
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()

    @staticmethod
    def _pipe(a, b):
        try:
            while True:
                ready, _, _ = select.select([a, b], [], [], 1.0)
                for sock in ready:
                    data = sock.recv(65536)
                    if not data:
                        return
                    (b if sock is a else a).sendall(data)
        except OSError:
            return
        finally:
            a.close()
            b.close()


class BrokerOutage:
    """Takes the configured broker away from web processes and brings it back.

    File broker: its queue folder is swapped for a plain file, so nothing can
    be written there. Redis or AMQP: processes reach the broker through a
    proxy that refuses connections while it is down.
    """

    def __init__(self):
        self.file = uses_file_broker()
        if self.file:
            self.url = settings.CELERY_BROKER_URL
            self.queue = settings.BROKER_DIR / "queue"
            self.away = settings.BROKER_DIR / "queue.away"
            self.proxy = None
        else:
            parts = urlsplit(settings.CELERY_BROKER_URL)
            self.proxy = TcpProxy(parts.hostname or "127.0.0.1", parts.port or 6379)
            netloc = f"{parts.username or ''}{':' + parts.password if parts.password else ''}"
            netloc = f"{netloc}@" if netloc else ""
            self.url = parts._replace(netloc=f"{netloc}127.0.0.1:{self.proxy.port}").geturl()

    def down(self):
        if self.file:
            self.queue.rename(self.away)
            self.queue.write_text("the broker is down\n")
        # the proxy is simply not started yet, or stopped
        elif self.proxy._server is not None:
            self.proxy.stop()

    def up(self):
        if self.file:
            if self.away.exists():
                self.queue.unlink()
                self.away.rename(self.queue)
        elif self.proxy._server is None:
            self.proxy.start()


@pytest.fixture
def broker_outage(real_broker):  # noqa: F811 - the fixture imported above
    outage = BrokerOutage()
    try:
        yield outage
    finally:
        outage.up()
        if outage.proxy is not None:
            outage.proxy.stop()
