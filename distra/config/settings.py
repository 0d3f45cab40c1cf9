"""Distra settings: everything that differs between machines comes from the environment.

Defaults give the embedded profile (SQLite under ./var/, DEBUG off, a secret key generated into
./var/ on first run). Production sets DATABASE_URL, SECRET_KEY and ALLOWED_HOSTS (docs/deploy.md).
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = PACKAGE_DIR.parent
VAR_DIR = Path(os.environ.get("DISTRA_VAR_DIR", PROJECT_DIR / "var")).resolve()


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once into var/secret_key."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = VAR_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


SECRET_KEY = _secret_key()
SECRET_KEY_FROM_ENVIRONMENT = bool(os.environ.get("SECRET_KEY"))
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "django_rq",
    "axes",
    "simple_history",
    "distra.core",
    "distra.accounts",
    "distra.geography",
    "distra.partners",
    "distra.catalog",
    "distra.inventory",
    "distra.orders",
    "distra.billing",
    "distra.purchasing",
    "distra.pricing",
    "distra.claims",
    "distra.forecasting",
    "distra.replenishment",
    "distra.suggestions",
    "distra.integrations",
    "distra.web",
    "distra.demo",
]

MIDDLEWARE = [
    "distra.core.middleware.RequestIdMiddleware",
    "distra.core.middleware.RejectNulCharacters",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "distra.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "distra.config.urls"
WSGI_APPLICATION = "distra.config.wsgi.application"
APPEND_SLASH = False

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
                "distra.web.context_processors.navigation",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL says otherwise.
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'distra.sqlite3'}"
_db = dj_database_url.parse(DATABASE_URL, conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")))
if _db["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    _db["CONN_MAX_AGE"] = 0
    # IMMEDIATE transactions take the write lock up front (SQLite ignores select_for_update);
    # WAL lets readers go on while one writer works.
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    _db["TEST"] = {"NAME": os.environ.get("DISTRA_TEST_SQLITE_NAME") or None}
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "distra.accounts.backends.RoleBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes): 5 failures per username and address lock that pair for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"
AXES_VERBOSE = False

LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "en")
LANGUAGES = [("en", _("English")), ("hi", _("Hindi"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Kolkata")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [
    ("vendor/bootstrap", PROJECT_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/chartjs", PROJECT_DIR / "node_modules" / "chart.js" / "dist"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# Imports of at most this many rows finish within the request; larger ones run as background jobs.
DISTRA_IMPORT_INLINE_ROWS = int(os.environ.get("DISTRA_IMPORT_INLINE_ROWS", "2000"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Inventory defaults where no supply term or stock threshold row says otherwise (docs/inventory.md).
DISTRA_DEFAULT_LEAD_TIME_DAYS = int(os.environ.get("DISTRA_DEFAULT_LEAD_TIME_DAYS", "7"))
DISTRA_DEFAULT_REORDER_LEVEL = int(os.environ.get("DISTRA_DEFAULT_REORDER_LEVEL", "0"))
DISTRA_DEFAULT_OVERSTOCK_DAYS = int(os.environ.get("DISTRA_DEFAULT_OVERSTOCK_DAYS", "90"))
DISTRA_DEFAULT_NEAR_EXPIRY_DAYS = int(os.environ.get("DISTRA_DEFAULT_NEAR_EXPIRY_DAYS", "30"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# Background work: Django's tasks API. The database backend by default; RQ on Redis to scale out.
TASKS_BACKEND = os.environ.get("DISTRA_TASKS_BACKEND", "database")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
RQ_QUEUES = {"default": {"URL": REDIS_URL}}
if TASKS_BACKEND == "rq":
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif TASKS_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Security: secure by default once DEBUG is off and the deployment says it is behind HTTPS.
SECURE_HTTPS = env_bool("DISTRA_HTTPS")
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SECURE_SSL_REDIRECT = SECURE_HTTPS and env_bool("DISTRA_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000" if SECURE_HTTPS else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HTTPS
SECURE_HSTS_PRELOAD = SECURE_HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("DISTRA_BEHIND_PROXY") else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500

# Structured logs: one JSON object per line, each with the request id of the request it served.
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "distra.core.logging.RequestIdFilter"}},
    "formatters": {"json": {"()": "distra.core.logging.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# Orders: the policy of a distributor without an OrderPolicy row (shortfall "backorder" or "cancel"),
# and the minimum remaining shelf life (days) of a batch allocated to a channel without a row.
DISTRA_ORDER_POLICY = {"shortfall_policy": os.environ.get("DISTRA_SHORTFALL_POLICY", "backorder"), "auto_allocate": True}
DISTRA_MIN_SHELF_LIFE_DAYS = int(os.environ.get("DISTRA_MIN_SHELF_LIFE_DAYS", "0"))
# Stock alerts after movements: evaluated by a task deferred this many seconds, at most once per
# (warehouse, SKU) and interval in each process (0: one task per transaction, at once).
# The order path's statements are prepared on PostgreSQL (distra.core.sql.execute); behind a
# connection pooler in transaction mode that cannot keep prepared statements, set this to 0.
DISTRA_PREPARED_STATEMENTS = env_bool("DISTRA_PREPARED_STATEMENTS", True)
DISTRA_ALERT_COALESCE_SECONDS = float(os.environ.get("DISTRA_ALERT_COALESCE_SECONDS", "5"))
# Billing: days from an invoice's date to its due date (until the credit issue brings per-outlet terms).
DISTRA_DEFAULT_CREDIT_DAYS = int(os.environ.get("DISTRA_DEFAULT_CREDIT_DAYS", "15"))
# Claims: the default claim period (month, quarter, fortnight or week; a distributor's ClaimPolicy
# overrides it) and the largest evidence file accepted.
DISTRA_CLAIM_PERIOD = os.environ.get("DISTRA_CLAIM_PERIOD", "month")
DISTRA_CLAIM_ATTACHMENT_MAX_BYTES = int(os.environ.get("DISTRA_CLAIM_ATTACHMENT_MAX_BYTES", str(5 * 1024 * 1024)))

DISTRA_DEMO_PASSWORD = os.environ.get("DISTRA_DEMO_PASSWORD", "")
