"""Bad configuration stops a process with one clear line, not a traceback."""
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x" * 20 + "-production-secret-that-is-long-enough-1234567890",
    "ALLOWED_HOSTS": "parley.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://parley.example.org",
    # Production sends real mail: the deploy check refuses the console backend, the default.
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "EMAIL_HOST": "smtp.example.org",
}


def manage(*args, **env):
    full_env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG", "SECRET_KEY")}
    full_env.update({"DJANGO_SETTINGS_MODULE": "config.settings", **env})
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=full_env, capture_output=True,
                          text=True, timeout=120)


def test_unknown_database_scheme_stops_with_one_line():
    result = manage("check", DATABASE_URL="mysql://root@localhost/parley")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "Parley configuration error: DATABASE_URL has an unsupported scheme 'mysql'; "
        "use sqlite:///path/to/db.sqlite3 or postgres://user@host:5432/name."
    ]


def test_production_without_a_secret_key_stops_with_one_line():
    result = manage("check", DEBUG="false")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "SECRET_KEY must be set" in result.stderr


def test_production_settings_pass_the_deploy_check():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_worker_without_a_broker_stops_with_one_line():
    env = {k: v for k, v in os.environ.items()}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings", "CELERY_BROKER_URL": "redis://127.0.0.1:1/0"})
    result = subprocess.run([sys.executable, "-m", "celery", "-A", "config", "worker", "--loglevel", "ERROR"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "Parley configuration error: cannot reach the Celery broker (redis" in result.stderr
    assert "Traceback" not in result.stderr


def test_health_answers_503_in_the_error_shape_when_the_database_is_down():
    script = (
        "from django.test import Client; r = Client().get('/api/v1/health/'); "
        "print(r.status_code); print(r.content.decode())"
    )
    result = manage("shell", "--no-imports", "-c", script, DATABASE_URL="postgres://nobody@127.0.0.1:1/none")
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "503", result.stdout + result.stderr
    assert '"type": "server_error"' in lines[1] or '"type":"server_error"' in lines[1]
    assert "database_unavailable" in lines[1]


def processes_with_var_dir(var_dir) -> list[int]:
    """Live processes started with PARLEY_VAR_DIR=var_dir (read from /proc)."""
    marker = f"PARLEY_VAR_DIR={var_dir}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker in (entry / "environ").read_bytes().split(b"\0"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def test_make_run_on_a_taken_port_stops_with_one_line_and_leaves_nothing_running(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "DEBUG")}
        env.update({"PARLEY_VAR_DIR": str(tmp_path), "PARLEY_PORT": str(port),
                    "DJANGO_SETTINGS_MODULE": "config.settings"})
        result = subprocess.run([sys.executable, "-m", "config.run"], cwd=ROOT, env=env, capture_output=True, text=True,
                                timeout=120)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"the web server could not start (exit code 1): is 127.0.0.1:{port} in use? Set PARLEY_PORT" in result.stdout
    assert "Parley is running." not in result.stdout
    time.sleep(1)
    assert processes_with_var_dir(tmp_path) == []
