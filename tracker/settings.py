"""Settings for every environment, read from the environment (12-factor).

Defaults are the embedded ones that `make run` needs (SQLite, a filesystem broker, e-mail to
files under var/). DEBUG is off unless set (`make run` and the tests turn it on); with it off,
the secrets and hosts must be given or the process refuses to start.
"""

import ipaddress
from decimal import Decimal, InvalidOperation
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
env.read_env(BASE_DIR / ".env")
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", default=False)


def required_in_production(name: str, development_default):
    """Return the variable, or the development default only while DEBUG is on.

    A blank value counts as missing: `SECRET_KEY=` from an unset template variable is no secret.
    """
    if env.ENVIRON.get(name, "").strip():
        return env.ENVIRON[name]
    if DEBUG:
        return development_default
    raise ImproperlyConfigured(f"{name} must be set when DEBUG is off (see the configuration table in README.md).")


SECRET_KEY = required_in_production("SECRET_KEY", "insecure-development-key-do-not-use-in-production")
ALLOWED_HOSTS = [
    host.strip()
    for host in required_in_production("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(",")
    if host.strip()
]
SITE_URL = required_in_production("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
BASE_CURRENCY = required_in_production("BASE_CURRENCY", "EUR").upper()
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "import_export",
    "django_celery_beat",
    "django_countries",
    "projects",
    "projects.web",
    "projects.notifications",
    "projects.api",
    "projects.webhooks",
    "projects.alerts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After the session (a signed-in user's chosen language lives there), before anything that renders.
    "projects.web.language.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # After (inside) the CSP middleware, so the 429 page it puts in place still gets the policy.
    "projects.signin.middleware.SignInPausedMiddleware",
]

ROOT_URLCONF = "tracker.urls"
WSGI_APPLICATION = "tracker.wsgi.application"
ASGI_APPLICATION = "tracker.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "projects.web.context.pending_approvals",
            ],
        },
    },
]
# E-mails render with Jinja2 from templates/email/: compiled templates keep a digest batch at hundreds of
# messages a second, where Django's engine spent most of a digest's time walking its nodes.
TEMPLATES += [
    {
        "NAME": "email",
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "email"],
        "APP_DIRS": False,
        # Dict-first lookups, and Django's gettext installed so `{{ _("…") }}` speaks each recipient's language.
        "OPTIONS": {"environment": "projects.notifications.email_templates.environment"},
    }
]

# Database: SQLite under var/ by default, PostgreSQL (psycopg 3 with its pool) from DATABASE_URL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'tracker.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The pool replaces persistent connections; Django requires CONN_MAX_AGE = 0 with it.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # PostgreSQL compiles a query to machine code (JIT) once its estimated cost passes `jit_above_cost`; the
    # tracker's queries finish in milliseconds, where compiling takes longer than it saves (the dashboard:
    # 200 ms without it, 225 with). DATABASE_URL's `?options=` replaces this.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    if env.bool("DATABASE_POOL", default=True):
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": env.int("DATABASE_POOL_MIN_SIZE", default=2),
            "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=10),
            "timeout": env.int("DATABASE_POOL_TIMEOUT", default=10),
        }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The worker and the web server write at once under `make run`: take the write lock when a transaction
    # starts (waiting for it) instead of failing to upgrade a read lock halfway through.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Services open durable transactions; they cannot nest inside a per-request one.
ATOMIC_REQUESTS = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# The interface speaks British English and Ukrainian: a signed-in user's choice (kept with their e-mail
# preferences), else the language cookie, else the browser's Accept-Language, else English.
LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English"), ("uk", "Українська")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates as a reader of each language writes them (29 Nov 2026, 29 листопада 2026): tracker/formats/.
FORMAT_MODULE_PATH = ["tracker.formats"]
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"] if (BASE_DIR / "static").is_dir() else []
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# E-mail: files under var/mail by default, SMTP (or any backend) from EMAIL_URL.
if "EMAIL_URL" in env.ENVIRON:
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
    EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Co-production tracker <tracker@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: kombu's filesystem transport under var/ by default (no server), Redis or RabbitMQ in production.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://localhost//")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(VAR_DIR / "broker-processed"),
        "store_processed": False,
        # kombu keeps its exchange tables here; its default is a `control` folder in the working directory.
        "control_folder": str(VAR_DIR / "broker-control"),
    }
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE
if not CELERY_BROKER_URL.startswith("filesystem://"):
    # e.g. {"visibility_timeout": 3600} on Redis: how long an unacknowledged task waits before redelivery.
    CELERY_BROKER_TRANSPORT_OPTIONS = env.json("CELERY_BROKER_TRANSPORT_OPTIONS", default={})

# Four-eyes money control: every change to commitments, disbursements and budgets waits for a second
# programme manager's approval. Turn it off only where a deployment has a single programme manager.
FOUR_EYES_MONEY = env.bool("FOUR_EYES_MONEY", default=True)

# Reminders and digests (projects.notifications); reminder rules themselves are rows editable in the admin.
NOTIFICATIONS_DUE_SOON_DAYS = env.int("NOTIFICATIONS_DUE_SOON_DAYS", default=14)
# Deliveries left pending by a failed run are retried by the next runs for this many days, then expire.
NOTIFICATIONS_CATCH_UP_DAYS = env.int("NOTIFICATIONS_CATCH_UP_DAYS", default=3)
# Per-message retries on SMTP and network errors: exponential backoff with jitter, capped.
NOTIFICATIONS_MAX_RETRIES = env.int("NOTIFICATIONS_MAX_RETRIES", default=8)
NOTIFICATIONS_RETRY_BACKOFF_MAX = env.int("NOTIFICATIONS_RETRY_BACKOFF_MAX", default=600)
# Deliveries per task: built in one set of queries and sent over one SMTP connection. Keep a batch's
# sending time (its size times the relay's slowest answer) under CELERY_TASK_SOFT_TIME_LIMIT.
NOTIFICATIONS_BATCH_SIZE = env.int("NOTIFICATIONS_BATCH_SIZE", default=100)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# Unsubscribe links in e-mails stop working after this many days; every new e-mail carries a fresh one.
UNSUBSCRIBE_LINK_MAX_AGE_DAYS = env.int("UNSUBSCRIBE_LINK_MAX_AGE_DAYS", default=90)

# Webhooks (projects.webhooks): Standard Webhooks deliveries, retried on this schedule (seconds after each
# failed attempt, ±20% jitter; about three days in all), and switched off after failing for days.
WEBHOOK_RETRY_SCHEDULE = [
    float(delay)
    for delay in env.list(
        "WEBHOOK_RETRY_SCHEDULE", default=["10", "60", "600", "3600", "10800", "21600", "43200", "86400", "86400"]
    )
]
WEBHOOK_TIMEOUT = env.float("WEBHOOK_TIMEOUT", default=10)
WEBHOOK_DISABLE_AFTER_DAYS = env.float("WEBHOOK_DISABLE_AFTER_DAYS", default=5)
WEBHOOK_OVERDUE_CATCH_UP_DAYS = env.int("WEBHOOK_OVERDUE_CATCH_UP_DAYS", default=3)
# The delivery log keeps this many days of events (a replay reaches back as far); older ones, delivered, go.
WEBHOOK_LOG_DAYS = env.int("WEBHOOK_LOG_DAYS", default=90)
if WEBHOOK_LOG_DAYS < 7:
    raise ImproperlyConfigured("WEBHOOK_LOG_DAYS must be 7 or more: retries alone take about three days.")
# Receivers must be public https URLs in production; development and tests may allow http and private networks.
WEBHOOK_REQUIRE_HTTPS = env.bool("WEBHOOK_REQUIRE_HTTPS", default=not DEBUG)
WEBHOOK_ALLOW_PRIVATE_NETWORKS = env.bool("WEBHOOK_ALLOW_PRIVATE_NETWORKS", default=False)

# Burden-sharing: the share of its GDP each donor is asked to give, in percent (0.25 means 0.25% of GDP).
try:
    DONOR_GDP_TARGET_PERCENT = Decimal(env.str("DONOR_GDP_TARGET_PERCENT", default="").strip() or "0.25")
    _target_valid = Decimal(0) < DONOR_GDP_TARGET_PERCENT <= 100
except InvalidOperation:
    _target_valid = False
if not _target_valid:
    raise ImproperlyConfigured("DONOR_GDP_TARGET_PERCENT must be a number above 0 and at most 100, e.g. 0.25.")

# The IATI export's reporting organisation: set its registered identifier (e.g. GB-GOV-1) before publishing.
IATI_REPORTING_ORG_REF = env.str("IATI_REPORTING_ORG_REF", default="XX-COPRODUCTION-TRACKER")
IATI_REPORTING_ORG_NAME = env.str("IATI_REPORTING_ORG_NAME", default="Co-production programme office")
IATI_REPORTING_ORG_TYPE = env.str("IATI_REPORTING_ORG_TYPE", default="10")

# The partner API: bearer tokens (or the UI's session), problem-details errors, per-token throttling.
_api_throttle_rate = env.str("API_THROTTLE_RATE", default="600/minute")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "projects.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "projects.api.schema.ApiSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "projects.api.problems.problem_exception_handler",
    "DEFAULT_PAGINATION_CLASS": "projects.api.pagination.KeysetPages",
    "DEFAULT_RENDERER_CLASSES": [
        "projects.api.rendering.FastJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["projects.api.parsing.BoundedJSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["projects.api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api": _api_throttle_rate},
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Co-production tracker API",
    "VERSION": "1.0.0",
    "DESCRIPTION": "Agreements, funding, milestones and status reports of the co-production portfolio. "
    "Authenticate with `Authorization: Bearer <token>`; errors are RFC 9457 problem details. Each token may "
    f"make {_api_throttle_rate} requests; beyond that, 429 with Retry-After.",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "COMPONENT_SPLIT_REQUEST": True,
    "SECURITY": [{"bearerAuth": []}],
    "ENUM_NAME_OVERRIDES": {
        "AgreementStatusEnum": "projects.choices.AgreementStatus",
        "AgreementKindEnum": "projects.choices.AgreementKind",
        "OrganizationKindEnum": "projects.choices.OrganizationKind",
        "CommitmentStatusEnum": "projects.choices.CommitmentStatus",
        "NewCommitmentStatusEnum": ["pledged", "committed"],
        "MilestoneStatusEnum": "projects.choices.MilestoneStatus",
        "PartyRoleEnum": "projects.choices.PartyRole",
        "RagEnum": "projects.choices.Rag",
        "IndicatorKindEnum": "projects.choices.IndicatorKind",
        "PeriodStateEnum": "projects.choices.PeriodState",
        "EventTypeEnum": "projects.webhooks.choices.EventType",
        "DeliveryStatusEnum": "projects.webhooks.choices.DeliveryStatus",
        "AttemptErrorEnum": "projects.webhooks.choices.AttemptError",
        "DisabledWhyEnum": "projects.webhooks.choices.DisabledWhy",
    },
}

# Security: strict whenever DEBUG is off; each can be relaxed from the environment behind a proxy.
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Only a submission to the browsers' preload list acts on it, and only when the parent domain sends it too.
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts, styles and everything else from this site only; no inline
# script or style attribute runs, so an HTML injection that slipped past escaping could not act.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
SIMPLE_HISTORY_REVERT_DISABLED = True  # reverting would bypass the services

# Sign-in (web and admin alike, see projects/signin/): failures for one username from one address, then from
# all addresses together, before sign-in as that username pauses; the first pause, doubling with each further
# failure up to the window, after which the failures are forgotten.
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_ACCOUNT_FAILURE_LIMIT = env.int("LOGIN_ACCOUNT_FAILURE_LIMIT", default=20)
LOGIN_PAUSE_SECONDS = env.int("LOGIN_PAUSE_SECONDS", default=60)
LOGIN_FAILURE_WINDOW_SECONDS = env.int("LOGIN_FAILURE_WINDOW_SECONDS", default=900)
AUTHENTICATION_BACKENDS = ["projects.signin.backends.SignInLimitBackend"]
# Proxies (addresses or networks) whose X-Forwarded-For names the client; from anyone else the header is ignored.
# Invalid bearer tokens one client address may send before it gets 429 instead of 401 (valid tokens still work).
API_INVALID_TOKEN_RATE = env.str("API_INVALID_TOKEN_RATE", default="20/minute")
TRUSTED_PROXIES = [ipaddress.ip_network(entry, strict=False) for entry in env.list("TRUSTED_PROXIES", default=[])]
# The cache holds sign-in throttling counts: per process by default; CACHE_URL=redis://… shares them.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# Imports in the web UI (projects/web/spreadsheets.py): limits that keep a hostile file from exhausting the server,
# and the size above which a file is previewed and imported by a Celery job while the page shows its progress.
IMPORT_MAX_UPLOAD_BYTES = env.int("IMPORT_MAX_UPLOAD_BYTES", default=5_000_000)
IMPORT_MAX_UNPACKED_BYTES = env.int("IMPORT_MAX_UNPACKED_BYTES", default=50_000_000)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=20_000)
IMPORT_MAX_CELL_CHARS = env.int("IMPORT_MAX_CELL_CHARS", default=32_767)  # Excel's own limit
IMPORT_INLINE_MAX_ROWS = env.int("IMPORT_INLINE_MAX_ROWS", default=100)
IMPORT_JOB_TIME_LIMIT = env.int("IMPORT_JOB_TIME_LIMIT", default=3600)
