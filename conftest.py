"""Test-wide fixtures: the injectable clock, Debian's Chromium for Playwright, live-server glue."""

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

# pytest-django's live_server and Playwright's sync API share the main thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("TANDEM_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def chromium_available() -> bool:
    return os.path.exists(CHROMIUM) and os.access(CHROMIUM, os.X_OK)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip browser tests where no Chromium is installed, except in CI where that is an error."""
    if chromium_available():
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(
            f"Browser tests need Chromium at {CHROMIUM}: apt-get install -y chromium"
        )
    skip = pytest.mark.skip(reason="Chromium not found: apt-get install -y chromium to run these")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {
        **browser_context_args,
        "viewport": {"width": 1280, "height": 900},
        "timezone_id": "Europe/Madrid",
        "locale": "en-GB",
    }


@pytest.fixture
def frozen_clock() -> Iterator[datetime]:
    """Freeze Tandem's clock at a known instant (2027-01-11 09:00 UTC, a Monday)."""
    from tandem.core import clock

    at = datetime(2027, 1, 11, 9, 0, tzinfo=UTC)
    with clock.frozen(at):
        yield at


@pytest.fixture
def immediate_tasks(settings: Any) -> None:
    """Run background tasks inline (for tests that are not about the worker)."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def program() -> Any:
    """Return a running program, "Skiers" (a module that needs another defines its own)."""
    from tandem.programs.tests.factories import ProgramFactory

    return ProgramFactory(status="running", name="Skiers")


@pytest.fixture
def coordinator(program: Any, client: Any) -> Any:
    """Return the ``program`` fixture's coordinator, signed in on ``client``."""
    from tandem.programs.tests.factories import CoordinatorFactory

    user = CoordinatorFactory(program=program).user
    client.force_login(user)
    return user
