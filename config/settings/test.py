"""Tests: the real database (SQLite, or PostgreSQL through DATABASE_URL), locmem email, fast hashing."""

import os

from .base import *  # noqa: F403

SECRET_KEY = "test-only-secret-key-" + "x" * 40
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False}

# A file, not :memory:, so tests run SQLite in WAL mode as production-like SQLite does
# (and concurrent threads see one database). One file per test process, so two runs
# side by side never share it; pytest-xdist adds a suffix per worker.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(VAR_DIR / f"test-tandem-{os.getpid()}.sqlite3")  # noqa: F405
    }

# The tests' receivers listen on http://127.0.0.1; they answer slowly on purpose sometimes.
TANDEM_WEBHOOK_ALLOW_LOOPBACK = True
TANDEM_WEBHOOK_TIMEOUT_SECONDS = 1.0
