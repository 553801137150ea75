"""Test overrides: fast hashing, grading inline unless a test starts a real worker.

The SQLite test database is a file (not in memory) so that a worker process
started by an integration test sees the same rows.
"""
import os

from .env import file_broker_options
from .settings import *  # noqa: F403
from .settings import DATABASES, VAR_DIR

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
elif os.environ.get("PARLEY_TEST_DATABASE"):
    # Two suites on one PostgreSQL server (two checkouts, CI beside a session)
    # must not drop each other's test database.
    DATABASES["default"]["TEST"] = {"NAME": os.environ["PARLEY_TEST_DATABASE"]}
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"auth": "1000/min", "join": "1000/min",  # noqa: F405
                                                               "attempts": "1000/min",
                                                               "lti_login": "1000/min"}}
WAGTAILADMIN_BASE_URL = "http://testserver"
# The file cache of the embedded default, one folder per test process (pytest-xdist), so that one
# process's throttle counts and cache clears never reach another's; a worker process started by a
# test reads the same folder, as `make run`'s worker does.
if CACHES["default"]["BACKEND"].endswith("FileBasedCache"):  # noqa: F405
    CACHES = {"default": {**CACHES["default"],  # noqa: F405
                          "LOCATION": str(VAR_DIR / "test-cache" / os.environ.get("PYTEST_XDIST_WORKER", "main"))}}

# Metrics files of one test process (pytest-xdist) apart from another's, so a test's counts are its own;
# a worker or web process a test starts inherits the variable, and writes where the test scrapes.
PROMETHEUS_MULTIPROC_DIR = VAR_DIR / "test-metrics" / os.environ.get("PYTEST_XDIST_WORKER", "main")
PROMETHEUS_MULTIPROC_DIR.mkdir(parents=True, exist_ok=True)
os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(PROMETHEUS_MULTIPROC_DIR)

# Tests publish to their own file-broker folder, so a `make run` worker on the
# same checkout never takes a test's task.
BROKER_DIR = VAR_DIR / "test-broker"
FILE_BROKER_TRANSPORT_OPTIONS = file_broker_options(BROKER_DIR)
if CELERY_BROKER_URL.startswith("filesystem"):  # noqa: F405
    CELERY_BROKER_TRANSPORT_OPTIONS = FILE_BROKER_TRANSPORT_OPTIONS
