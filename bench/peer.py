"""`python -m bench.peer` (make bench-peer): Parley's course and lesson pages side by side with the
open-source peer wagtail-lms, on the embedded default (SQLite, and for Parley its file cache).

- The peer is installed from PyPI, pinned (PEER), into its own virtualenv under the var folder,
  with the Django and Wagtail that Parley pins (requirements.txt), beside a minimal Django project
  that this script writes (settings, URLs and a base template: our own code; none of the peer's
  is copied or vendored).
- Both sides get the same data: one course of 10 lessons, the learner enrolled with 5 done, and
  50, 1,000 and 10,000 other learners enrolled with some lessons done each.
- Each side runs in its own process (bench/peer_agent.py) and serves its pages through Django's
  test client, the whole middleware stack and template included, as the learner signed in. The
  requests are interleaved (each round asks both sides, in an order that alternates), 250 rounds
  after 30 to warm up; the figures are medians. Query counts are of one warm request.
- Writes var/peer/results.json and the "Against a peer" section of docs/benchmarks.md (and of
  bench/docs_template.md, which bench.run renders from).

`--cache-compare` adds a third side: Parley with Django's database cache instead of the file cache
(the choice config/settings.py made). `--profile` prints pyinstrument's view of Parley's course page.
"""
import argparse
import json
import os
import platform
import random
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from config.env import BASE_DIR, VAR_DIR

from .stats import percentile

PEER = "wagtail-lms==0.11.1"
ROOT = VAR_DIR / "peer"
PEER_VENV = ROOT / "venv"
PEER_SITE = ROOT / "wlms"
AGENT = BASE_DIR / "bench" / "peer_agent.py"
DOCS = [BASE_DIR / "docs" / "benchmarks.md", BASE_DIR / "bench" / "docs_template.md"]
START, END = "<!-- peer:start -->", "<!-- peer:end -->"
COMMAND = "make bench-peer  (python -m bench.peer)"


def log(message: str) -> None:
    print(f"[peer {time.strftime('%H:%M:%S')}] {message}", flush=True)


def pins() -> list[str]:
    """The peer, with the Django, Wagtail and PostgreSQL driver versions Parley itself runs."""
    wanted = {"django", "wagtail", "psycopg[binary]"}
    found = [line.strip() for line in (BASE_DIR / "requirements.txt").read_text().splitlines()
             if line.split("==")[0].strip().lower() in wanted]
    return [PEER, *found]


def ensure_peer_venv() -> Path:
    python = PEER_VENV / "bin" / "python"
    stamp = PEER_VENV / "installed.txt"
    wanted = "\n".join(pins())
    if python.exists() and stamp.exists() and stamp.read_text() == wanted:
        return python
    log(f"creating {PEER_VENV} with {', '.join(pins())}")
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(PEER_VENV)], check=True)
    with open(ROOT / "pip.log", "w") as out:
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", *pins()], check=True, stdout=out,
                       stderr=subprocess.STDOUT)
    stamp.write_text(wanted)
    return python


PEER_SETTINGS = '''"""A minimal Django project around wagtail-lms, written by bench/peer.py for the benchmark."""
import os
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
SECRET_KEY = "{secret}"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "wagtail_lms",
    "wagtail.sites", "wagtail.users", "wagtail.snippets", "wagtail.documents", "wagtail.images",
    "wagtail.search", "wagtail.admin", "wagtail",
    "modelcluster", "taggit",
    "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions",
    "django.contrib.messages", "django.contrib.staticfiles",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "peer_site.urls"
TEMPLATES = [{{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [HERE / "templates"],
    "APP_DIRS": True,
    "OPTIONS": {{"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]}},
}}]
# The same SQLite settings as Parley's embedded default (config/env.py), so both read alike; or the
# PostgreSQL database that `--postgres` names.
DATABASES = {{"default": {{
    "ENGINE": "django.db.backends.sqlite3", "NAME": HERE / "db.sqlite3",
    "OPTIONS": {{"transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}},
}}}}
if os.environ.get("PEER_PG_NAME"):
    DATABASES = {{"default": {{
        "ENGINE": "django.db.backends.postgresql", "NAME": os.environ["PEER_PG_NAME"],
        "USER": os.environ["PEER_PG_USER"], "PASSWORD": os.environ.get("PEER_PG_PASSWORD", ""),
        "HOST": os.environ["PEER_PG_HOST"], "PORT": os.environ["PEER_PG_PORT"],
    }}}}
    INSTALLED_APPS.append("django.contrib.postgres")  # Wagtail's search index there, as Parley's settings do
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
STATIC_URL = "/static/"
STATIC_ROOT = HERE / "static"
MEDIA_ROOT = HERE / "media"
MEDIA_URL = "/media/"
WAGTAIL_SITE_NAME = "Peer"
WAGTAILADMIN_BASE_URL = "http://testserver"
'''

PEER_URLS = '''from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls

urlpatterns = [
    path("cms/", include(wagtailadmin_urls)),
    path("lms/", include("wagtail_lms.urls")),
    path("", include(wagtail_urls)),
]
'''

PEER_BASE = '''{% load static %}<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ page.title }}</title>
<link rel="stylesheet" href="{% static 'wagtail_lms/css/course.css' %}"></head>
<body>{% if messages %}<ul>{% for m in messages %}<li>{{ m }}</li>{% endfor %}</ul>{% endif %}
{% block content %}{% endblock %}</body>
</html>
'''


def write_peer_site() -> None:
    if PEER_SITE.exists():
        shutil.rmtree(PEER_SITE)
    (PEER_SITE / "peer_site").mkdir(parents=True)
    (PEER_SITE / "templates").mkdir()
    (PEER_SITE / "peer_site" / "__init__.py").write_text("")
    (PEER_SITE / "peer_site" / "settings.py").write_text(PEER_SETTINGS.format(secret=secrets.token_urlsafe(40)))
    (PEER_SITE / "peer_site" / "urls.py").write_text(PEER_URLS)
    (PEER_SITE / "templates" / "base.html").write_text(PEER_BASE)


def clean_env() -> dict:
    drop = ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE", "PARLEY_VAR_DIR",
            "PARLEY_CACHE_DIR", "PYTHONPATH", "DEBUG")
    return {k: v for k, v in os.environ.items() if k not in drop}


def fresh_database(base: str, name: str) -> str:
    """Drop and create `name` on the PostgreSQL server of `base` (postgres://user[:pw]@host:port); its URL."""
    import psycopg

    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}"


def parley_side(name: str, cache: str, postgres: str = "") -> dict:
    var = ROOT / name
    if var.exists():
        shutil.rmtree(var)
    var.mkdir(parents=True)
    env = clean_env() | {
        "DJANGO_SETTINGS_MODULE": "config.settings", "PARLEY_VAR_DIR": str(var), "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(48), "SECURE_SSL_REDIRECT": "false", "PARLEY_DEMO": "false",
        "ALLOWED_HOSTS": "testserver", "LOG_LEVEL": "WARNING",
    }
    if postgres:
        env["DATABASE_URL"] = fresh_database(postgres, f"peer_{name.replace('-', '_')}")
    if cache == "db":  # Django's database cache in the same SQLite file, for --cache-compare
        (var / "dbcache_settings.py").write_text(
            "from config.settings import *  # noqa: F403\n"
            'CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", '
            '"LOCATION": "parley_cache"}}\n')
        env |= {"DJANGO_SETTINGS_MODULE": "dbcache_settings", "PYTHONPATH": f"{var}:{BASE_DIR}"}
    python = sys.executable
    run = [python, "manage.py"]
    subprocess.run([*run, "migrate", "--noinput", "-v", "0"], cwd=BASE_DIR, env=env, check=True)
    if cache == "db":
        subprocess.run([*run, "createcachetable"], cwd=BASE_DIR, env=env, check=True)
    return {"name": name, "python": python, "cwd": BASE_DIR, "env": env, "arg": "parley"}


def peer_side(python: Path, postgres: str = "") -> dict:
    write_peer_site()
    env = clean_env() | {"DJANGO_SETTINGS_MODULE": "peer_site.settings", "PYTHONPATH": str(PEER_SITE)}
    if postgres:
        from urllib.parse import urlsplit

        url = urlsplit(fresh_database(postgres, "peer_wlms"))
        env |= {"PEER_PG_NAME": url.path.lstrip("/"), "PEER_PG_USER": url.username or "postgres",
                "PEER_PG_PASSWORD": url.password or "", "PEER_PG_HOST": url.hostname or "127.0.0.1",
                "PEER_PG_PORT": str(url.port or 5432)}
    subprocess.run([str(python), "-m", "django", "migrate", "--noinput", "-v", "0"], cwd=PEER_SITE, env=env,
                   check=True)
    return {"name": "wagtail-lms", "python": str(python), "cwd": PEER_SITE, "env": env, "arg": "wlms"}


class Agent:
    def __init__(self, side: dict):
        self.name = side["name"]
        self.log = open(ROOT / f"{self.name}.log", "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen([side["python"], str(AGENT), side["arg"]], cwd=side["cwd"], env=side["env"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log, text=True,
                                     bufsize=1)

    def ask(self, **command) -> dict:
        self.proc.stdin.write(json.dumps(command) + "\n")
        line = self.proc.stdout.readline()
        if not line:
            raise SystemExit(f"{self.name} stopped; see {self.log.name}")
        return json.loads(line)

    def stop(self) -> None:
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def measure(agents: list[Agent], rounds: int, warmup: int, seed: int) -> dict:
    rng = random.Random(seed)
    times = {a.name: {"course": [], "lesson": []} for a in agents}
    cpu = {a.name: {"course": [], "lesson": []} for a in agents}
    for i in range(warmup + rounds):
        for page in ("course", "lesson"):
            order = agents[:] if i % 2 == 0 else agents[::-1]
            if len(order) > 2:
                rng.shuffle(order)
            for agent in order:
                answer = agent.ask(op="time", page=page)
                if i >= warmup:
                    times[agent.name][page].append(answer["ms"])
                    cpu[agent.name][page].append(answer["cpu_ms"])
    out = {}
    for agent in agents:
        out[agent.name] = {}
        for page, values in times[agent.name].items():
            out[agent.name][page] = {
                "median_ms": round(statistics.median(values), 3),
                "p25_ms": round(percentile(values, 25), 3),
                "p75_ms": round(percentile(values, 75), 3),
                "cpu_median_ms": round(statistics.median(cpu[agent.name][page]), 3),
                "queries": agent.ask(op="queries", page=page)["count"],
            }
    return out


def machine() -> dict:
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def markers(results: dict) -> tuple[str, str]:
    if results.get("database") == "PostgreSQL":
        return "<!-- peer:postgres:start -->", "<!-- peer:postgres:end -->"
    return START, END


def render(results: dict) -> str:
    start, end = markers(results)
    sides = results["sides"]
    peer = "wagtail-lms"
    m = results["machine"]
    database = results.get("database", "SQLite")
    where = "Both sides on one PostgreSQL server" if database == "PostgreSQL" else "SQLite (WAL) on both sides"
    lines = [
        start,
        f"{database}: run {m['date']} on {m['cores']} cores (Python {m['python']}, load average "
        f"{m['load_average_start']} at the start, {m['load_average_end']} at the end); {results['rounds']} "
        f"interleaved rounds per size after {results['warmup']} to warm up; `{COMMAND}`{results['args']}. "
        f"Peer: `{PEER}` with {', '.join(results['pins'][1:])}. {where}; Parley with its embedded default's "
        "file cache. Times are medians in ms of wall time (p25-p75) and of the serving process's CPU time, "
        "queries of one warm request.",
        "",
        "| other learners | page | " + " | ".join(sides) + " | Parley / peer | CPU ms (" + " / ".join(sides)
        + ") | CPU Parley / peer | queries (" + " / ".join(sides) + ") |",
        "|---|---|" + "---|" * len(sides) + "---|---|---|---|",
    ]
    verdicts = []
    for size in results["sizes"]:
        row = results["by_size"][str(size)]
        for page in ("course", "lesson"):
            cells = [f"{row[s][page]['median_ms']:.2f} ({row[s][page]['p25_ms']:.2f}-{row[s][page]['p75_ms']:.2f})"
                     for s in sides]
            ratio = row["parley"][page]["median_ms"] / row[peer][page]["median_ms"]
            queries = " / ".join(str(row[s][page]["queries"]) for s in sides)
            cpus = " / ".join(f"{row[s][page]['cpu_median_ms']:.2f}" for s in sides)
            cpu_ratio = row["parley"][page]["cpu_median_ms"] / row[peer][page]["cpu_median_ms"]
            lines.append(f"| {size:,} | {page} | " + " | ".join(cells)
                         + f" | {ratio:.2f}x | {cpus} | {cpu_ratio:.2f}x | {queries} |")
            if page == "course":
                verdicts.append((size, ratio, row["parley"][page]["queries"], row[peer][page]["queries"]))
    met = all(r <= 0.5 and q < pq for _, r, q, pq in verdicts)
    lines += ["", f"Goal (course page at most 0.5x the peer's time, with fewer queries): "
              f"**{'met' if met else 'not met'}** "
              f"({', '.join(f'{r:.2f}x and {q} against {pq} queries at {s:,}' for s, r, q, pq in verdicts)}).",
              end]
    return "\n".join(lines)


def write_docs(results: dict) -> None:
    block = render(results)
    start, end = markers(results)
    for path in DOCS:
        text = path.read_text()
        if start in text:
            text = re.sub(re.escape(start) + r".*?" + re.escape(end), lambda _m: block, text, flags=re.S)
        elif START in text:  # the PostgreSQL table goes after the SQLite one
            text = text.replace(END, END + "\n\n" + block)
        else:
            text = text.rstrip("\n") + "\n\n## Against a peer (wagtail-lms)\n\n" + block + "\n"
        path.write_text(text)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.peer", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50,1000,10000", help="other learners, comma separated")
    parser.add_argument("--rounds", type=int, default=250)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--cache-compare", action="store_true", help="also Parley with the database cache")
    parser.add_argument("--profile", action="store_true", help="pyinstrument over Parley's course page at the end")
    parser.add_argument("--no-docs", action="store_true", help="do not rewrite docs/benchmarks.md")
    parser.add_argument("--postgres", default="", metavar="postgres://user@host:port",
                        help="both sides on this PostgreSQL server (databases peer_*, dropped and created)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    ROOT.mkdir(parents=True, exist_ok=True)
    load_start = [round(x, 2) for x in os.getloadavg()]
    python = ensure_peer_venv()
    sides = [parley_side("parley", "file", args.postgres), peer_side(python, args.postgres)]
    if args.cache_compare:
        sides.insert(1, parley_side("parley-dbcache", "db", args.postgres))
    agents = [Agent(side) for side in sides]
    by_size = {}
    try:
        for size in sizes:
            for agent in agents:
                log(f"{agent.name}: seeding {size:,} other learners")
                seeded = agent.ask(op="seed", others=size)
                log(f"{agent.name}: {seeded}")
            log(f"measuring at {size:,} other learners")
            by_size[str(size)] = measure(agents, args.rounds, args.warmup, seed=size)
            for name, pages in by_size[str(size)].items():
                log(f"  {name}: " + ", ".join(f"{p} {v['median_ms']:.2f} ms, {v['queries']} queries"
                                             for p, v in pages.items()))
        if args.profile:
            print(agents[0].ask(op="profile", page="course", n=300)["text"])
    finally:
        for agent in agents:
            agent.stop()
    info = machine()
    results = {
        "machine": {**info, "load_average_start": load_start, "load_average_end": info["load_average"]},
        "pins": pins(), "rounds": args.rounds, "warmup": args.warmup, "sizes": sizes,
        "sides": [a.name for a in agents], "by_size": by_size,
        "args": " ".join(["", *("URL" if a.startswith("postgres") else a
                                for a in (sys.argv[1:] if argv is None else argv))]),
    }
    results["database"] = "PostgreSQL" if args.postgres else "SQLite"
    out = ROOT / f"results{'-postgres' if args.postgres else ''}.json"
    out.write_text(json.dumps(results, indent=2))
    if not args.no_docs:
        write_docs(results)
    log(f"results in {out}")


if __name__ == "__main__":
    main()
