"""B1e: B1's shape on `make run`'s own setup, the embedded default (issue 14's held-out probe).

`python -m config.run` as `make run` starts it (gunicorn and the supervised worker, SQLite and the
file broker under its own var folder, DEBUG and demo mode on), after the same migrate,
collectstatic and load_demo. The demo student signs in, enrols in the demo's first course and reads
about half of its lessons; then a learner's course progress and GET /api/v1/me/ are timed as in B1,
interleaved on one keep-alive connection. The folder (var/bench/embedded) is kept between runs, as
`make run` keeps var/; loopback only.
"""
import json
import subprocess
import sys
import time

from . import infra, loadgen, measure

FOLDER = infra.VAR / "embedded"
# What the bench sets for its production-like processes, none of which `make run` has.
BENCH_KEYS = ("DJANGO_SETTINGS_MODULE", "DEBUG", "PARLEY_DEMO", "SECRET_KEY", "ALLOWED_HOSTS", "SECURE_SSL_REDIRECT",
              "SECURE_HSTS_SECONDS", "DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL", "LOG_LEVEL",
              "CELERY_TASK_ALWAYS_EAGER", "CELERY_FILE_BROKER_DIR", "PARLEY_VAR_DIR", "PARLEY_PORT", "PARLEY_HOST")


def make_run_env(base_env: dict, port: int) -> dict:
    env = {k: v for k, v in base_env.items() if k not in BENCH_KEYS}
    env.update({"PARLEY_VAR_DIR": str(FOLDER), "PARLEY_PORT": str(port), "PYTHONUNBUFFERED": "1"})
    return env


def prepare(env: dict) -> None:
    """The Makefile's `run` target before it starts config.run."""
    FOLDER.mkdir(parents=True, exist_ok=True)
    for args in (["migrate", "--noinput", "-v", "0"], ["collectstatic", "--noinput", "-v", "0"], ["load_demo"]):
        subprocess.run([sys.executable, "manage.py", *args], cwd=infra.ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL)


def b1_embedded(base_env: dict, rounds: int, warmup: int, log) -> dict:
    port = infra.free_port()
    env = make_run_env(base_env, port)
    started = time.perf_counter()
    prepare(env)
    log(f"B1e: {FOLDER.relative_to(infra.ROOT)} migrated with the demo in {time.perf_counter() - started:.1f} s")
    with infra.Process("make-run", [sys.executable, "-m", "config.run"], env) as run:
        deadline = time.monotonic() + 120
        while "Parley is running." not in run.tail(200):
            if not run.alive() or time.monotonic() > deadline:
                raise RuntimeError(f"B1e: config.run did not come up:\n{run.tail()}")
            time.sleep(0.2)
        client = loadgen.Client("127.0.0.1", port)
        logins = {row["username"]: row["password"] for row in json.loads((FOLDER / "demo-logins.json").read_text())}
        status, data, _ = client.request("POST", "/api/v1/auth/token/",
                                         body={"username": "demo-student", "password": logins["demo-student"]})
        if status != 200:
            raise RuntimeError(f"B1e: sign-in answered {status}: {data}")
        token = data["token"]
        status, courses, _ = client.request("GET", "/api/v1/courses/", token)
        course_id = courses["results"][0]["id"]
        status, course, _ = client.request("GET", f"/api/v1/courses/{course_id}/", token)
        lessons = [lesson["id"] for module in course["modules"] for lesson in module["lessons"]]
        client.request("POST", f"/api/v1/courses/{course_id}/enrol/", token)
        for lesson_id in lessons[:len(lessons) // 2]:
            status, data, _ = client.request("POST", f"/api/v1/lessons/{lesson_id}/complete/", token)
            if status not in (200, 201):
                raise RuntimeError(f"B1e: completing lesson {lesson_id} answered {status}: {data}")
        client.close()
        figures = measure.b1_progress(port, course_id, token, rounds, warmup)
    figures["course"] = course.get("title")
    return figures
