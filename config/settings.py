"""Parley settings, driven by environment variables.

Every variable has an embedded default that works on a laptop with nothing
but Python installed (SQLite and a file broker under var/). Production sets
DEBUG=false and real values; see README "Configuration".
"""
import os
from datetime import timedelta
from pathlib import Path

from . import logs as log_formats
from .env import (
    BASE_DIR,
    FILE_BROKER_TRANSPORT,
    VAR_DIR,
    ConfigError,
    broker_url,
    database_config,
    env_bool,
    env_int,
    env_list,
    env_str,
    file_broker_options,
    metrics_dir,
)

DEBUG = env_bool("DEBUG", True)
DEMO_MODE = env_bool("PARLEY_DEMO", DEBUG)

_DEV_SECRET = "dev-only-insecure-key-change-me"
# SECRET_KEY, or DJANGO_SECRET_KEY as many hosts name it; `make run` makes one into var/secret_key (config/run.py).
SECRET_KEY = env_str("SECRET_KEY") or env_str("DJANGO_SECRET_KEY") or (_DEV_SECRET if DEBUG else "")
if not DEBUG and (not SECRET_KEY or SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 50):
    raise ConfigError("SECRET_KEY must be set to a random string of 50+ characters when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "accounts",
    "assessments",
    "cms",
    "courses",
    "notices",
    "records",
    "credentials",
    "lti",
    "api",
    "frontend",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtailmedia",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "drf_standardized_errors",
    "django_structlog",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    # First, so it adjusts the answer last: an LTI launch's session may be framed by its LMS (lti/frames.py).
    "lti.frames.LtiFrameMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "frontend.csp.PathContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After static files (a page's dozen would drown the requests in logs and metrics): requests and
    # their latency by route name (GET /metrics), then the request id and one log line per request.
    "config.metrics.MetricsMiddleware",
    "config.request_log.RequestLogMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "api.middleware.RequestLimitsMiddleware",  # 413 for a body over the limit, OPTIONS from the route
    "api.middleware.DatabaseUnavailableMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
            ],
        },
    },
]

DATABASES = {"default": database_config(env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'parley.sqlite3'}"))}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Wagtail's database search backend uses PostgreSQL full text there.
    INSTALLED_APPS.append("django.contrib.postgres")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "frontend:sign-in"
LOGIN_REDIRECT_URL = "frontend:home"
LOGOUT_REDIRECT_URL = "frontend:home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français"), ("es", "Español"), ("ar", "العربية")]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# Dates in the interface language's format; English's own is in config/formats (frontend/templatetags/dates.py).
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = env_str("MEDIA_ROOT", str(VAR_DIR / "media"))
# Uploads served by the web process itself (config/urls.py): while DEBUG is on, and under `make run`
# (config/run.py); production serves MEDIA_ROOT from its web server or object storage.
SERVE_MEDIA = env_bool("PARLEY_SERVE_MEDIA", DEBUG)
# A TrueType font for the certificates (credentials/certificates.py): one covering the learners' scripts
# (accents, Arabic) in production. Empty: Pillow's built-in font (ASCII) and the PDF's core Helvetica
# (Latin-1), with any other character replaced.
CERTIFICATE_FONT = env_str("PARLEY_CERTIFICATE_FONT", "")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Wagtail -------------------------------------------------------------
WAGTAIL_SITE_NAME = "Parley"
# No Gravatar: staff e-mail hashes stay here, and the admin's policy needs no third-party images.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Nor the admin's release check, a browser fetch to a third party the admin's policy refuses.
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILADMIN_BASE_URL = env_str("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILIMAGES_MAX_UPLOAD_SIZE = env_int("IMAGE_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
WAGTAILIMAGES_MAX_IMAGE_PIXELS = env_int("IMAGE_MAX_PIXELS", 40_000_000)
WAGTAILIMAGES_EXTENSIONS = ["png", "jpg", "jpeg", "webp", "avif"]
WAGTAILDOCS_EXTENSIONS = ["pdf", "txt", "vtt", "srt", "csv"]
WAGTAILIMAGES_IMAGE_FORM_BASE = "cms.uploads.SafeImageForm"
WAGTAILDOCS_DOCUMENT_FORM_BASE = "cms.uploads.SafeDocumentForm"
WAGTAILDOCS_MAX_UPLOAD_SIZE = env_int("DOCUMENT_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
MEDIA_MAX_UPLOAD_BYTES = env_int("MEDIA_MAX_UPLOAD_BYTES", 50 * 1024 * 1024)
# Audio and video for lessons (wagtailmedia); captions are WebVTT documents beside them (cms/blocks.py).
WAGTAILMEDIA = {
    "MEDIA_MODEL": "wagtailmedia.Media",
    "MEDIA_FORM_BASE": "cms.uploads.SafeMediaForm",  # size limit, content as the extension says
    "AUDIO_EXTENSIONS": ["ogg", "opus", "mp3", "m4a", "flac", "wav"],
    "VIDEO_EXTENSIONS": ["mp4", "webm", "ogv"],
}
# An exercise file uploaded in the CMS (cms/exercise_admin.py): twice the engine's 1 MiB document
# limit, since a pretty-printed file is larger than the compact document the engine measures.
EXERCISE_UPLOAD_MAX_BYTES = env_int("EXERCISE_UPLOAD_MAX_BYTES", 2 * 1024 * 1024)

# --- Limits on what a request may send (api/middleware.py, api/parsers.py, assessments/services.py) ---
# A body over this answers 413 before it is read (API), or 400 (site forms); a 1 MiB exercise
# document must fit, with room for indentation.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_BYTES", 2 * 1024 * 1024)
# Arrays and objects inside one another in a JSON body; deeper answers 400. Exercise documents need under 10.
API_JSON_MAX_DEPTH = env_int("API_JSON_MAX_DEPTH", 64)
# Refused whole-path submissions a learner may make at one scenario before whole paths are refused
# outright (409); playing node by node goes on. Each refusal tells whether a guessed step was right.
PATH_REFUSALS_PER_EXERCISE = env_int("PATH_REFUSALS_PER_EXERCISE", 10)
# --- end of request limits ---

# --- REST framework ---------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.JSONParser"],  # refuses NUL characters (PostgreSQL cannot store them)
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.StandardPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "auth": env_str("THROTTLE_AUTH", "30/min"),
        "join": env_str("THROTTLE_JOIN", "30/min"),
        "attempts": env_str("THROTTLE_ATTEMPTS", "120/min"),
        # LTI login initiations per address: a school's launches come from one address behind its NAT, so
        # generous; with 10-minute login rows it bounds one address to 3,000 rows alive.
        "lti_login": env_str("THROTTLE_LTI_LOGIN", "300/min"),
        # Addresses a teacher invites, one by one or by file (api.throttles.InvitationBudgetThrottle).
        "invitations": env_str("THROTTLE_INVITATIONS", "1000/hour"),
    },
    # How many proxies in front append to X-Forwarded-For; 0 trusts only the socket's address (a client
    # could otherwise name a fresh address for each try and slip the per-address limits).
    "NUM_PROXIES": env_int("NUM_PROXIES", 0),
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
DRF_STANDARDIZED_ERRORS = {"ENABLE_IN_DEBUG_FOR_UNHANDLED_EXCEPTIONS": True}
SPECTACULAR_SETTINGS = {
    "TITLE": "Parley API",
    "DESCRIPTION": "API v1 of Parley, a MOOC platform for diplomatic skills.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from our static files, not a CDN: the docs page's policy allows scripts from 'self' only.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ValidationErrorEnum": "drf_standardized_errors.openapi_serializers.ValidationErrorEnum.choices",
        "ClientErrorEnum": "drf_standardized_errors.openapi_serializers.ClientErrorEnum.choices",
        "ServerErrorEnum": "drf_standardized_errors.openapi_serializers.ServerErrorEnum.choices",
        "ExerciseKindEnum": "api.serializers.exercises.EXERCISE_KINDS",
        "StatisticsFlagKindEnum": "api.serializers.exercises.STATISTICS_FLAG_KINDS",
    },
    "PREPROCESSING_HOOKS": ["api.schema.only_api_v1"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "drf_standardized_errors.openapi_hooks.postprocess_schema_enums",
        "api.schema.nullable_references",
    ],
}
API_TOKEN_TTL = timedelta(hours=env_int("API_TOKEN_TTL_HOURS", 24 * 14))

# --- Cache (throttles, idempotency windows, the published page tree) ----------
# Every web process and the worker must see one cache: throttles count across processes, and a
# publish in one process must reach the page-tree entries of all (cms.selectors). Without Redis,
# files under var/ (FileBasedCache): shared by `make run`'s processes, no query, and faster than
# the database cache here (docs/benchmarks.md, "Against a peer").
REDIS_URL = env_str("REDIS_URL", "")
CACHE_DIR = Path(env_str("PARLEY_CACHE_DIR", str(VAR_DIR / "cache")))
CACHES = {
    "default": (
        {"BACKEND": "config.redis_cache.ReusedClientRedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(CACHE_DIR),
              "OPTIONS": {"MAX_ENTRIES": 3000}}
    )
}
# The published courses, lessons and course structures are read from the cache above (cms.selectors).
# Only turn it off to read the tree from the database on every request.
PAGE_TREE_CACHE = env_bool("PAGE_TREE_CACHE", True)

# --- Broker and web server of the embedded default (`make run`, config/run.py) --------
# `filesystem://` is a folder under var/, written atomically by config/file_broker.py (kombu's own
# transport lets a worker read a half-written message: docs/dependencies.md). `make run` serves with
# gunicorn (config/run.py); SQLite's settings for several web processes are in config/env.py.
BROKER_DIR = Path(env_str("CELERY_FILE_BROKER_DIR", str(VAR_DIR / "broker")))
CELERY_BROKER_URL = broker_url(env_str("CELERY_BROKER_URL", "filesystem://"))
CELERY_BROKER_TRANSPORT = FILE_BROKER_TRANSPORT if CELERY_BROKER_URL.startswith("filesystem") else None
FILE_BROKER_TRANSPORT_OPTIONS = file_broker_options(BROKER_DIR)
# Where `make run` tells the web processes how its worker is doing (api/views/health.py).
RUN_STATE_FILE = VAR_DIR / "run" / "worker.json"
# Static files come from whitenoise in every web process, DEBUG on or off (STORAGES, MIDDLEWARE);
# whitenoise does not know the web app manifest's type.
WHITENOISE_MIMETYPES = {".webmanifest": "application/manifest+json"}

# --- Celery -------------------------------------------------------------------
CELERY_BROKER_TRANSPORT_OPTIONS = (
    FILE_BROKER_TRANSPORT_OPTIONS
    if CELERY_BROKER_URL.startswith("filesystem")
    else {
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
        # A publish from a request tries to connect twice, 0.2 s apart, each
        # connect bounded, instead of kombu's default two seconds of retries:
        # a submission answers at once while the broker is down (the sweep queues it).
        "max_retries": 1, "interval_start": 0.2, "interval_step": 0.2, "interval_max": 0.5,
        "socket_connect_timeout": 2,
    }
)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Celery closes DB connections around every task unless told to reuse them (cost measured in B4).
CELERY_DB_REUSE_MAX = env_int("CELERY_DB_REUSE_MAX", 1000)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Grading tasks take milliseconds: with one message in hand per process, each waited on the broker
# round trips of the next (docs/benchmarks.md, B4). A message held is not lost if its worker dies
# (acks_late: it goes back to the queue, and the sweep re-queues its attempt anyway).
CELERY_WORKER_PREFETCH_MULTIPLIER = env_int("CELERY_PREFETCH_MULTIPLIER", 4)
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "assessments.tasks.grade_attempt": {"queue": "grading"},
    "assessments.tasks.regrade_chunk": {"queue": "grading"},
}
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_SOFT_TIME_LIMIT", 60)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_HARD_TIME_LIMIT", 90)
# Publishing must not hang a request when the broker is down: the attempt is
# already stored, and the sweep queues it later.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
CELERY_BEAT_SCHEDULE = {
    # GRADING_SWEEP_SECONDS: how often beat re-queues stuck attempts (the cluster fault test shortens it).
    "sweep-stuck-attempts": {"task": "assessments.tasks.sweep_stuck_attempts",
                             "schedule": float(env_int("GRADING_SWEEP_SECONDS", 60))},
    "worker-heartbeat": {"task": "accounts.tasks.worker_heartbeat", "schedule": 15.0},
    "publish-scheduled-pages": {"task": "cms.tasks.publish_scheduled", "schedule": 60.0},
    # Notices (courses/reminders.py): each send is claimed per person, kind and period, so these may run
    # often, twice, or from two beats. The digest task sends from Monday 07:00 on, once a week.
    "due-reminders": {"task": "courses.tasks.due_reminders_dispatch", "schedule": 900.0},
    "teacher-digest": {"task": "courses.tasks.teacher_digest_dispatch", "schedule": 3600.0},
    "mail-sweep": {"task": "courses.tasks.mail_sweep", "schedule": 300.0},
    # xAPI statements (records/): queue delivery for every academy whose statements are due again.
    "statements-sweep": {"task": "records.tasks.sweep_statements",
                         "schedule": float(env_int("RECORDS_SWEEP_SECONDS", 60))},
    # Scores for LMS gradebooks whose next try is due (lti/scores.py).
    "lti-scores-sweep": {"task": "lti.tasks.sweep_scores", "schedule": 60.0},
    # LMS rosters (Names and Role Provisioning) older than LTI_ROSTER_SYNC_SECONDS, fetched again.
    "lti-rosters": {"task": "lti.tasks.sync_rosters", "schedule": 900.0},
}
# xAPI delivery to each academy's LRS (records/services.py, docs/interoperability.md): statements per
# POST, the HTTP timeout, and the back-off after an LRS that did not answer or answered 5xx (the base
# doubles with each try, up to the maximum). Milliseconds for the base, so tests can make it short.
RECORDS_BATCH_SIZE = max(1, env_int("RECORDS_BATCH_SIZE", 100))
RECORDS_HTTP_TIMEOUT_SECONDS = env_int("RECORDS_HTTP_TIMEOUT_SECONDS", 10)
RECORDS_RETRY_BASE_SECONDS = env_int("RECORDS_RETRY_BASE_MS", 5000) / 1000
RECORDS_RETRY_MAX_SECONDS = env_int("RECORDS_RETRY_MAX_SECONDS", 600)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
GRADING_STUCK_AFTER = timedelta(seconds=env_int("GRADING_STUCK_AFTER_SECONDS", 120))
GRADING_MAX_FAILURES = env_int("GRADING_MAX_FAILURES", 3)
# A grading task takes up to this many waiting attempts with its own (assessments.services.attempt_grade).
GRADING_BATCH_SIZE = max(1, env_int("GRADING_BATCH_SIZE", 50))

# --- Accounts: mail, sign-in doors, password reset, email verification ---------------
# Mail goes through Django's mailers (MAILERS, Django 6.1's successor of the EMAIL_* settings), set
# from the EMAIL_* environment variables: the console by default (printed by the worker that sends
# it), SMTP when EMAIL_BACKEND names it. Sending is a Celery task (accounts/tasks.py).
_EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
_EMAIL_USE_TLS, _EMAIL_USE_SSL = env_bool("EMAIL_USE_TLS", False), env_bool("EMAIL_USE_SSL", False)
if _EMAIL_USE_TLS and _EMAIL_USE_SSL:
    raise ConfigError("EMAIL_USE_TLS and EMAIL_USE_SSL are exclusive: set one of them (TLS for port 587, SSL for 465).")
MAILERS = {"default": {"BACKEND": _EMAIL_BACKEND}}
if _EMAIL_BACKEND.endswith(".smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": env_str("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 465 if _EMAIL_USE_SSL else 587 if _EMAIL_USE_TLS else 25),
        "username": env_str("EMAIL_HOST_USER", ""),
        "password": env_str("EMAIL_HOST_PASSWORD", ""),
        "use_tls": _EMAIL_USE_TLS,
        "use_ssl": _EMAIL_USE_SSL,
        # A stalled SMTP server must not hold a worker for ever.
        "timeout": env_int("EMAIL_TIMEOUT", 10),
    }
# A provider's HTTP API through django-anymail (EMAIL_BACKEND=anymail.backends.<provider>.EmailBackend):
# every ANYMAIL_<NAME> variable becomes ANYMAIL["<NAME>"], e.g. ANYMAIL_MAILGUN_API_KEY.
ANYMAIL = {name.removeprefix("ANYMAIL_"): value for name, value in os.environ.items() if name.startswith("ANYMAIL_")}
if _EMAIL_BACKEND.startswith("anymail.") and not ANYMAIL:
    raise ConfigError("EMAIL_BACKEND names an anymail provider: set its ANYMAIL_* variables "
                      "(e.g. ANYMAIL_MAILGUN_API_KEY).")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Parley <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# How long a password reset link and an email verification link stay valid.
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT_SECONDS", 2 * 60 * 60)
EMAIL_VERIFICATION_MAX_AGE = env_int("EMAIL_VERIFICATION_MAX_AGE_SECONDS", 7 * 24 * 60 * 60)
# The CMS sign-in refuses accounts without CMS access exactly like a wrong password (accounts/forms.py).
WAGTAILADMIN_USER_LOGIN_FORM = "accounts.forms.CmsLoginForm"
# One password reset for everyone, the site's (throttled, no existence oracle): Wagtail's is off, and
# the Django admin has none (config/urls.py routes no `admin_password_reset`).
WAGTAIL_PASSWORD_RESET_ENABLED = False

# --- Security -------------------------------------------------------------------
from django.utils.csp import CSP  # noqa: E402

# The site: scripts and styles only from our static files (or an inline script carrying the
# request's nonce, `{% csp_nonce_attr %}`); no inline style or handler; lesson audio and video
# may come from another HTTPS host (the CMS's media blocks take URLs).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "media-src": [CSP.SELF, "https:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.SELF],
}
# JSON answers load nothing and are never framed.
CSP_API = {"default-src": [CSP.NONE], "base-uri": [CSP.NONE], "form-action": [CSP.NONE],
           "frame-ancestors": [CSP.NONE]}
# Swagger UI (served by us, see SPECTACULAR_SETTINGS): scripts from 'self' only, but React sets
# inline styles and its icons are data: images. The page shows no user content.
CSP_API_DOCS = {**SECURE_CSP, "script-src": [CSP.SELF], "style-src": [CSP.SELF, CSP.UNSAFE_INLINE]}
# Wagtail's and Django's admin: staff only, behind sign-in, rendering sanitised content. Wagtail 8
# still runs inline scripts (the page explorer's and editor's set-up; its vendor bundle adds more),
# and our exercise authoring screens carry inline styles, so scripts and styles may be inline there;
# everything else stays as strict as the site, including where forms post and who may frame it.
CSP_ADMIN = {**SECURE_CSP, "script-src": [CSP.SELF, CSP.UNSAFE_INLINE],
             "style-src": [CSP.SELF, CSP.UNSAFE_INLINE], "img-src": [CSP.SELF, "data:", "blob:"],
             "media-src": [CSP.SELF, "https:", "blob:"]}
PARLEY_CSP_BY_PATH = [
    ("/api/v1/docs/", CSP_API_DOCS),
    ("/api/", CSP_API),
    ("/cms/", CSP_ADMIN),
    ("/django-admin/", CSP_ADMIN),
]
# Sessions read from the shared cache (Redis, or var/cache) and written through to the database, so
# a signed-in page skips the session query; ending sessions goes through the user's session_epoch
# (accounts.models), which is read from the user row on every request whatever the session store.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "SAMEORIGIN"
# Wagtail's live preview frames the site's own pages, so DENY would break it.
SILENCED_SYSTEM_CHECKS = ["security.W019"]
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- LTI 1.3 tool (lti/, docs/lti.md) ---------------------------------------------
# How long a retired signing key stays in the tool's JWKS (platforms cache it), 7 days.
LTI_KEY_GRACE_SECONDS = env_int("LTI_KEY_GRACE_SECONDS", 7 * 24 * 3600)
# The platform's JWKS is cached this long; a launch naming an unknown kid fetches it again, at most
# once per LTI_JWKS_REFRESH_MIN_SECONDS.
LTI_JWKS_CACHE_SECONDS = env_int("LTI_JWKS_CACHE_SECONDS", 3600)
LTI_JWKS_REFRESH_MIN_SECONDS = env_int("LTI_JWKS_REFRESH_MIN_SECONDS", 10)
LTI_HTTP_TIMEOUT = env_int("LTI_HTTP_TIMEOUT", 5)
# A login must come back as a launch within this time; a launch's id_token is refused when issued
# longer ago than LTI_TOKEN_MAX_AGE_SECONDS; clocks may differ by LTI_CLOCK_SKEW_SECONDS.
LTI_LOGIN_STATE_SECONDS = env_int("LTI_LOGIN_STATE_SECONDS", 600)
# How long a sign-in without a password (an LMS launch) proves the person, for deleting an account that
# has no password (accounts.reauth).
ACCOUNT_PROOF_SECONDS = env_int("ACCOUNT_PROOF_SECONDS", 600)
LTI_TOKEN_MAX_AGE_SECONDS = env_int("LTI_TOKEN_MAX_AGE_SECONDS", 600)
LTI_CLOCK_SKEW_SECONDS = env_int("LTI_CLOCK_SKEW_SECONDS", 60)
# A score the LMS did not take is tried again after this, doubling each time (at most six hours).
LTI_SCORE_RETRY_SECONDS = env_int("LTI_SCORE_RETRY_SECONDS", 30)
# An LMS course's roster is fetched again when older than this (beat), and on each instructor's launch.
LTI_ROSTER_SYNC_SECONDS = env_int("LTI_ROSTER_SYNC_SECONDS", 6 * 3600)

# --- Operations: logs, metrics (config/logs.py, config/request_log.py, config/metrics.py, docs/operations.md) ---
# `json`: one JSON object per line on stderr, with request_id (and task_id in a worker); `console`:
# the same fields as readable lines, the default while DEBUG is on (`make run`).
LOG_FORMAT = env_str("LOG_FORMAT", "console" if DEBUG else "json")
if LOG_FORMAT not in log_formats.FORMATS:
    raise ConfigError(f"LOG_FORMAT={LOG_FORMAT!r} is not one of {', '.join(log_formats.FORMATS)}.")
log_formats.configure_structlog()
DJANGO_STRUCTLOG_CELERY_ENABLED = True  # a task published in a request carries its request_id
DJANGO_STRUCTLOG_IP_LOGGING_ENABLED = False  # no addresses in the logs
DJANGO_STRUCTLOG_STATUS_START_LOG_LEVEL = 10  # DEBUG: one line per request (request_finished), not two
# GET /metrics answers only this bearer token; unset, the URL does not exist.
METRICS_TOKEN = env_str("METRICS_TOKEN", "")
if METRICS_TOKEN and len(METRICS_TOKEN) < 16:
    raise ConfigError("METRICS_TOKEN must be 16 characters or more (or unset, which turns /metrics off).")
# Each web and worker process writes its counters here and a scrape adds them up (prometheus_client's
# multiprocess mode, which reads the variable when it is first imported: hence os.environ).
PROMETHEUS_MULTIPROC_DIR = metrics_dir()
PROMETHEUS_MULTIPROC_DIR.mkdir(parents=True, exist_ok=True)
os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(PROMETHEUS_MULTIPROC_DIR)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": log_formats.formatters(),
    # stderr, not stdout: management commands write their data on stdout (`dumpdata`, `shell -c`), which
    # log lines must not mix into; process managers and containers collect both streams alike.
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own default config gives `django` a plain-text handler while DEBUG is on: its lines
        # would come twice, once not as JSON. Through the root's handler only.
        "django": {"level": "INFO", "handlers": [], "propagate": True},
        # Its 4xx lines repeat request_finished (config/request_log.py) with the path unredacted; 5xx stay.
        "django.request": {"level": "ERROR"},
        "django.db.backends": {"level": "WARNING"},
        # Wagtail logs every publish and background index task at INFO.
        "django.tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}

# The embedded defaults write under var/; make sure the folders exist so a
# fresh clone needs no manual step (the file broker does not create them).
for _folder in (VAR_DIR, STATIC_ROOT):
    _folder.mkdir(parents=True, exist_ok=True)
