"""Run Ralph (the LRS) on 127.0.0.1:<port> with its file-system backend: `python ralph_server.py PORT`.

The fs backend writes its statements file with the CREATE operation by default, which refuses a
second write once `fs_lrs.jsonl` exists; APPEND is what an LRS that receives more than one batch
needs. It must be set before `ralph.api.app` is imported, since importing it builds the backend.
Settings come from the environment (RALPH_RUNSERVER_BACKEND=fs, RALPH_AUTH_FILE, the fs directory).
"""
import sys

from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend

FSLRSBackend.default_operation_type = BaseOperationType.APPEND

import uvicorn  # noqa: E402 - after the shim
from ralph.api import app  # noqa: E402

if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False)
