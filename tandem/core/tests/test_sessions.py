"""Sessions: in the database by default; read from Redis (and written through) with REDIS_URL."""

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.programs.tests.factories import PASSWORD, UserFactory

REPO = Path(__file__).resolve().parents[3]
REDIS_URL = os.environ.get("TANDEM_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _settings_with(env: dict[str, str]) -> dict[str, object]:
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps({'engine': settings.SESSION_ENGINE, "
        "'cache': settings.CACHES['default']['BACKEND']}))"
    )
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "EMAIL_")) and k != "REDIS_URL"
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=REPO,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": "k" * 60,
            "DJANGO_ALLOWED_HOSTS": "tandem.example.org",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def test_production_keeps_sessions_in_the_database_without_redis():
    values = _settings_with({})
    assert values == {
        "engine": "django.contrib.sessions.backends.db",
        "cache": "django.core.cache.backends.locmem.LocMemCache",
    }


def test_production_reads_sessions_through_redis_when_redis_url_is_set():
    values = _settings_with({"REDIS_URL": "redis://cache.internal:6379/0"})
    assert values == {
        "engine": "django.contrib.sessions.backends.cached_db",
        "cache": "django.core.cache.backends.redis.RedisCache",
    }


@pytest.fixture
def redis_sessions(db) -> Iterator[None]:
    """Sessions through the real Redis at TANDEM_TEST_REDIS_URL, under a key prefix of their own
    (other users of that Redis keep their keys)."""
    redis = pytest.importorskip(
        "redis", reason="the redis package is not installed (it comes with '.[dev]' and '.[redis]')"
    )
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis not reachable at {REDIS_URL} ({exc}); set TANDEM_TEST_REDIS_URL")
    prefix = f"tandem-test-{uuid.uuid4().hex}"
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    with override_settings(
        CACHES=caches, SESSION_ENGINE="django.contrib.sessions.backends.cached_db"
    ):
        yield
    # Only this test's keys: cache.clear() would empty the whole Redis database (FLUSHDB).
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)


def _session_queries(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "django_session" in q["sql"]]


def test_signed_in_page_reads_the_session_from_redis_and_sign_out_ends_it(redis_sessions):
    from django.contrib.sessions.models import Session
    from django.core.cache import cache

    user = UserFactory()
    client = Client()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    key = client.cookies["sessionid"].value
    cache_key = f"django.contrib.sessions.cached_db{key}"
    assert cache.get(cache_key) is not None
    assert Session.objects.filter(session_key=key).exists()

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("account_email"))
    assert response.status_code == 200
    assert _session_queries(queries) == []

    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert cache.get(cache_key) is None
    assert not Session.objects.filter(session_key=key).exists()

    # The old cookie, replayed, is nobody's session any more.
    replay = Client()
    replay.cookies["sessionid"] = key
    response = replay.get(reverse("account_email"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
