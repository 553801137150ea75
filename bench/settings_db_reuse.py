"""Production settings plus one proposed fix, used only for B4's "after" figure.

Celery's Django fixup closes every database connection before and after each
task unless CELERY_DB_REUSE_MAX is set, so each grading opens a new
PostgreSQL connection. With it set, the worker keeps its connection (Django's
CONN_MAX_AGE and health checks still apply). Not used by the application.
"""
from config.settings import *  # noqa: F403

CELERY_DB_REUSE_MAX = 1000
