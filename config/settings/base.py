"""Settings shared by every environment; each value an operator may change comes from the environment."""

import os
from email.utils import parseaddr
from pathlib import Path
from typing import Any

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("TANDEM_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    """Read a yes/no setting from the environment."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated setting from the environment."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "django_tasks_db",
    "ninja",
    "tandem.core",
    "tandem.accounts",
    "tandem.programs",
    "tandem.matching",
    "tandem.partnerships",
    "tandem.meetings",
    "tandem.goals",
    "tandem.worksheets",
    "tandem.support",
    "tandem.dashboard",
    "tandem.announcements",
    "tandem.cohorts",
    "tandem.integrations",
    "tandem.privacy",
    "tandem.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tandem.core.middleware.PersonLanguageMiddleware",
    "tandem.core.middleware.PrivateNoStoreMiddleware",
    "tandem.core.middleware.DomainNotFoundMiddleware",
    "tandem.core.middleware.ViewerZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "django.template.context_processors.csp",
                "tandem.dashboard.navigation.navigation",
                "tandem.core.middleware.viewer_zone_context",
            ],
        },
    },
]

# SQLite (WAL) is the embedded default; DATABASE_URL selects PostgreSQL.
SQLITE_PATH = VAR_DIR / "tandem.sqlite3"
SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
    "transaction_mode": "IMMEDIATE",
}


def database_from_env() -> dict[str, Any]:
    """Return the default database: DATABASE_URL when set, else the embedded SQLite file."""
    url = os.environ.get("DATABASE_URL")
    if url:
        config: dict[str, Any] = dict(
            dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
        )
    else:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        config = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(SQLITE_PATH)}
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {**SQLITE_OPTIONS, **config.get("OPTIONS", {})}
    config["ATOMIC_REQUESTS"] = False
    return config


DATABASES = {"default": database_from_env()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# django-allauth: the email address is the login.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Tandem] "
ACCOUNT_ADAPTER = "tandem.accounts.adapter.AccountAdapter"
ACCOUNT_RATE_LIMITS = {
    "login_failed": "5/5m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}

LANGUAGE_CODE = "en"
# The languages Tandem ships (docs/translating.md): a person's choice on their account page,
# else their browser's; a visitor picks one in the footer of the public pages.
LANGUAGES = [("en", "English"), ("es", "Español"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
WHITENOISE_AUTOREFRESH = True
NODE_MODULES = BASE_DIR / "node_modules"
# Front-end packages come from npm (package-lock.json); only their dist files are served.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/pico", NODE_MODULES / "@picocss" / "pico" / "css"),
    ("vendor/chartjs", NODE_MODULES / "chart.js" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# Email (Django 6.1 MAILERS): console unless EMAIL_HOST is set, then SMTP.
if os.environ.get("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["EMAIL_HOST"],
                "port": int(os.environ.get("EMAIL_PORT", "587")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
                "timeout": 20,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Tandem <tandem@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where the accessibility statement (/accessibility/) tells people to ask for help; the address
# of DEFAULT_FROM_EMAIL unless given.
TANDEM_ACCESSIBILITY_CONTACT = os.environ.get(
    "TANDEM_ACCESSIBILITY_CONTACT", parseaddr(DEFAULT_FROM_EMAIL)[1]
)

# Absolute links in emails (invitations, confirmations) are built from this.
SITE_URL = os.environ.get("TANDEM_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Background work: Django's tasks API, run by the django-tasks-db worker (`make worker`).
TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
# Webhooks and Slack or Teams messages (docs/webhooks.md): how long to wait for an answer, the
# first wait before a retry (then 4, 16, 64 times as long), how many attempts in all, how long
# finished deliveries stay on the page, and whether http://127.0.0.1 is allowed (never in
# production: only development and tests).
TANDEM_WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("TANDEM_WEBHOOK_TIMEOUT_SECONDS", "5"))
TANDEM_WEBHOOK_RETRY_SECONDS = float(os.environ.get("TANDEM_WEBHOOK_RETRY_SECONDS", "30"))
TANDEM_WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("TANDEM_WEBHOOK_MAX_ATTEMPTS", "5"))
TANDEM_WEBHOOK_LOG_DAYS = int(os.environ.get("TANDEM_WEBHOOK_LOG_DAYS", "30"))
TANDEM_WEBHOOK_ALLOW_LOOPBACK = False
# Match runs with more members than this go to the worker; smaller ones run in the request.
TANDEM_MATCH_INLINE_LIMIT = int(os.environ.get("TANDEM_MATCH_INLINE_LIMIT", "300"))
# Closed programs older than this many months are deleted by `manage.py purge_closed_programs`.
TANDEM_RETENTION_MONTHS = int(os.environ.get("TANDEM_RETENTION_MONTHS", "24"))
# Who may start programs: "everyone", or "approved" (accounts a site admin approved).
TANDEM_PROGRAM_CREATORS = os.environ.get("TANDEM_PROGRAM_CREATORS", "everyone")

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if os.environ.get("REDIS_URL"):
    # Needs the `redis` extra (pip install '.[redis]').
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
    # Sessions are read from Redis and written through to the database: no session query per
    # request, and signing out deletes both copies. Only with a shared cache: with the default
    # per-process cache, a session ended in one web process would live on in the others.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
SESSION_COOKIE_HTTPONLY = True
# htmx reads the CSRF token from the page (base.html), never from the cookie.
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}
