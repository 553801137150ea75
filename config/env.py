"""Reading settings from the environment, with one clear line on bad input.

A misconfigured process must stop with a sentence that names the variable to
set, not with a traceback from deep inside a driver.
"""
import os
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
# Absolute, whatever was given: a relative folder would move with the working directory of each process
# (and Django refuses a relative file cache location).
VAR_DIR = (BASE_DIR / os.environ.get("PARLEY_VAR_DIR", "var")).resolve()


class ConfigError(SystemExit):
    """Raised at import time of the settings; SystemExit so no traceback is shown."""

    def __init__(self, message: str):
        sys.stderr.write(f"Parley configuration error: {message}\n")
        super().__init__(2)


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name}={raw!r} is not a boolean; set it to true or false.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a whole number.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


SUPPORTED_DB_SCHEMES = ("sqlite", "postgres", "postgresql", "pgsql")
SUPPORTED_BROKER_SCHEMES = ("filesystem", "redis", "rediss", "amqp", "pyamqp", "memory")


def database_config(url: str) -> dict:
    import dj_database_url

    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme not in SUPPORTED_DB_SCHEMES:
        raise ConfigError(
            f"DATABASE_URL has an unsupported scheme {scheme or url!r}; "
            "use sqlite:///path/to/db.sqlite3 or postgres://user@host:5432/name."
        )
    config = dj_database_url.parse(url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True)
    if config["ENGINE"].endswith("sqlite3"):
        # Concurrent web and worker processes share the file: wait for locks
        # instead of failing at once, and use WAL so readers never block writers.
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    else:
        config.setdefault("OPTIONS", {})["connect_timeout"] = env_int("DB_CONNECT_TIMEOUT", 5)
    return config


def broker_url(url: str) -> str:
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme not in SUPPORTED_BROKER_SCHEMES:
        raise ConfigError(
            f"CELERY_BROKER_URL has an unsupported scheme {scheme or url!r}; "
            "use redis://host:6379/0, amqp://user:pass@host:5672// or filesystem://."
        )
    return url


def metrics_dir() -> Path:
    """Where every process writes its Prometheus values for GET /metrics to add up (settings,
    gunicorn's hook in config/gunicorn.py); `make run` empties it when it starts (config/run.py)."""
    return Path(env_str("PROMETHEUS_MULTIPROC_DIR", str(VAR_DIR / "metrics")))


# kombu's filesystem transport with atomic writes (config/file_broker.py, docs/dependencies.md): the
# stock one lets a worker read a message file before it is fully written (kombu issue 1551).
FILE_BROKER_TRANSPORT = "config.file_broker:Transport"


def file_broker_options(folder: Path) -> dict:
    """Transport options of the file broker rooted at `folder` (created here)."""
    for sub in ("queue", "processed", "control"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(folder / "queue"),
        "data_folder_out": str(folder / "queue"),
        "processed_folder": str(folder / "processed"),
        # Exchange bindings; kombu's default is a `control` folder in the current directory.
        "control_folder": str(folder / "control"),
        "store_processed": False,
        # The default one-second poll made a worker take about one task a second.
        "polling_interval": 0.05,
    }
