"""A real LRS for the tests (tests/records/, tests/faults/): Ralph (ralph-malph) as its own HTTP server
process on 127.0.0.1, with its file-system backend
(tests/records/ralph_server.py says why it is started through a shim).

`ralph` gives the endpoint and credentials, `statements()` (what the LRS stored, read from its file),
`get(id)` (the xAPI GET of one statement), and `stop()` / `start()` (same port, same file) for the fault
tests."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import bcrypt
import pytest
import requests

from records.models import LearningRecordStore

from .workers import free_port

HERE = Path(__file__).resolve().parent / "records"
KEY, SECRET = "parley-academy", "lrs-Secret-42"


class Ralph:
    def __init__(self, folder: Path):
        self.folder, self.port, self.proc = folder, free_port(), None
        self.data = folder / "data"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "auth.json").write_text(json.dumps([{
            "username": KEY, "hash": bcrypt.hashpw(SECRET.encode(), bcrypt.gensalt(4)).decode(),
            "scopes": ["all"], "agent": {"mbox": "mailto:lrs-operator@example.org"}}]))
        self.endpoint = f"http://127.0.0.1:{self.port}/xAPI/"

    def start(self):
        env = {**os.environ, "RALPH_RUNSERVER_BACKEND": "fs", "RALPH_AUTH_FILE": str(self.folder / "auth.json"),
               "RALPH_APP_DIR": str(self.folder), "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(self.data)}
        self.proc = subprocess.Popen([sys.executable, str(HERE / "ralph_server.py"), str(self.port)], env=env,
                                     stdout=subprocess.DEVNULL, stderr=open(self.folder / "ralph.log", "ab"),
                                     start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.get(f"http://127.0.0.1:{self.port}/__heartbeat__", timeout=1).status_code == 200:
                    return self
            except requests.ConnectionError:
                pass
            assert self.proc.poll() is None, (self.folder / "ralph.log").read_text()
            time.sleep(0.1)
        raise AssertionError("Ralph did not start: " + (self.folder / "ralph.log").read_text())

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.proc = None

    def statements(self) -> list[dict]:
        """Every statement the LRS stored, in its order, read from its file (duplicates would show)."""
        path = self.data / "fs_lrs.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]

    def get(self, statement_id: str) -> dict | None:
        """The LRS's xAPI GET of one statement. Ralph 5.1 answers a `statementId` query as a statement
        result ({"statements": [...]}) rather than the bare statement; both are read."""
        answer = requests.get(self.endpoint + "statements", params={"statementId": statement_id},
                              auth=(KEY, SECRET), headers={"X-Experience-API-Version": "2.0.0"}, timeout=5)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        if "statements" in body:
            return body["statements"][0] if body["statements"] else None
        return body


@pytest.fixture
def ralph(tmp_path):
    server = Ralph(tmp_path / "ralph")
    server.start()
    yield server
    server.stop()




def connect_lrs(academy, server: Ralph, **fields) -> LearningRecordStore:
    return LearningRecordStore.objects.create(academy=academy, endpoint=server.endpoint, key=KEY,
                                              secret=fields.pop("secret", SECRET), **fields)


def reset_lrs_cache():
    """Which academies have an LRS is a shared cache entry, and a test's rows go (rolled back, or flushed)
    without the receivers that replace it: set it to what an empty table gives."""
    from django.core.cache import cache

    from records.services import LRS_CACHE_KEY

    cache.set(LRS_CACHE_KEY, [], None)
