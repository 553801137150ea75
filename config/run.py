"""`make run`: the web server and a grading worker (with its beat) together.

Ctrl-C stops both. Addresses and, in demo mode, the demo logins are printed.
"""
import json
import os
import signal
import subprocess
import sys
import time

from .env import VAR_DIR

HOST = os.environ.get("PARLEY_HOST", "127.0.0.1")
PORT = os.environ.get("PARLEY_PORT", "8000")


def main() -> int:
    bin_dir = os.path.dirname(sys.executable)
    web = subprocess.Popen([sys.executable, "manage.py", "runserver", "--noreload", f"{HOST}:{PORT}"])
    worker = subprocess.Popen([
        os.path.join(bin_dir, "celery"), "-A", "config", "worker", "-B", "-Q", "grading,default",
        "--concurrency", "2", "--loglevel", "WARNING",
        "--schedule", str(VAR_DIR / "celerybeat-schedule"),
    ])
    base = f"http://{HOST}:{PORT}"
    time.sleep(1.5)
    print(f"\n  Parley is running.\n  Site:      {base}/\n  API docs:  {base}/api/v1/docs/\n"
          f"  CMS admin: {base}/cms/\n", flush=True)
    logins = VAR_DIR / "demo-logins.json"
    if logins.exists():
        print("  Demo logins (demo mode only):")
        for row in json.loads(logins.read_text()):
            print(f"    {row['role']:<14} {row['username']:<16} {row['password']}")
    print("\n  Press Ctrl-C to stop the server and the worker.\n", flush=True)
    children = [web, worker]

    def stop(*_):
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()

    signal.signal(signal.SIGTERM, lambda *_: (stop(), sys.exit(0)))
    # Started from a script in the background, SIGINT may arrive ignored: restore Ctrl-C.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
